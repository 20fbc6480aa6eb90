package io.ktap.host;

import io.ktap.ast.Probe;
import io.ktap.bytecode.CounterAttr;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resolves perf-event and breakpoint probes on this machine, for the host and kernel backends:
 * a breakpoint's kernel symbol becomes its address ({@code /proc/kallsyms}), and what the CPU
 * cannot watch is refused here, with the reason, before any counter is opened.
 */
public final class PerfCounters {

    private static final Path KALLSYMS = Path.of("/proc/kallsyms");

    private PerfCounters() {
    }

    /**
     * The {@link CounterAttr} words of {@code probe} (a {@link Probe.PerfEvent} or a
     * {@link Probe.Breakpoint}).
     *
     * @throws HostException when a breakpoint's symbol is unknown or the CPU cannot watch it
     */
    public static List<Long> resolve(Probe probe) throws HostException {
        return resolve(probe, KALLSYMS, arch());
    }

    static List<Long> resolve(Probe probe, Path kallsyms, String arch) throws HostException {
        if (probe instanceof Probe.PerfEvent e) {
            return CounterAttr.of(e);
        }
        if (!(probe instanceof Probe.Breakpoint b)) {
            throw new IllegalArgumentException("not a perf event or breakpoint: " + probe);
        }
        long address = b.symbol() == null ? b.address() : kernelSymbol(b.symbol(), kallsyms) + b.address();
        check(probe, address, b.length(), b.access(), arch);
        return CounterAttr.breakpoint(address, b.length(), b.access());
    }

    /** What x86 (and arm64) can watch: aligned ranges, and on x86 no reads alone. */
    static void check(Probe probe, long address, int length, Probe.Breakpoint.Access access, String arch)
            throws HostException {
        String spec = io.ktap.ast.ProbeSpecs.format(probe);
        if (access == Probe.Breakpoint.Access.R && arch.equals("x86_64")) {
            throw new HostException(spec + ": x86 breakpoints cannot watch reads alone; watch reads and writes with :rw");
        }
        if (access != Probe.Breakpoint.Access.X && address % length != 0) {
            throw new HostException(spec + ": address 0x" + Long.toHexString(address) + " is not aligned to its length "
                    + length + " (a breakpoint watches an aligned 1, 2, 4 or 8 bytes)");
        }
    }

    /**
     * The address of kernel symbol {@code name} in {@code kallsyms} (text or data; the core
     * kernel's before a module's).
     */
    static long kernelSymbol(String name, Path kallsyms) throws HostException {
        long moduleAddress = 0;
        boolean hidden = false;
        try (BufferedReader in = Files.newBufferedReader(kallsyms, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = in.readLine()) != null) {
                // ffffffff82a0c000 D jiffies [module]
                int sp1 = line.indexOf(' ');
                int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
                if (sp2 < 0) {
                    continue;
                }
                int end = line.indexOf('\t', sp2 + 1);
                String sym = end < 0 ? line.substring(sp2 + 1) : line.substring(sp2 + 1, end);
                if (!sym.equals(name)) {
                    continue;
                }
                long addr;
                try {
                    addr = Long.parseUnsignedLong(line.substring(0, sp1), 16);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (addr == 0) {
                    hidden = true;
                } else if (end < 0) {
                    return addr;
                } else if (moduleAddress == 0) {
                    moduleAddress = addr;
                }
            }
        } catch (IOException e) {
            throw new HostException("cannot read " + kallsyms + " to find kernel symbol '" + name + "': " + e.getMessage(), e);
        }
        if (moduleAddress != 0) {
            return moduleAddress;
        }
        if (hidden) {
            throw new HostException("the address of kernel symbol '" + name + "' is hidden in " + kallsyms
                    + " (kernel.kptr_restrict, or not root)");
        }
        throw new HostException("no kernel symbol '" + name + "' in " + kallsyms + " (data symbols are listed only"
                + " by kernels built with CONFIG_KALLSYMS_ALL)");
    }

    /**
     * What to tell the user when the kernel refused to open {@code probe}'s counter: the spec, the
     * reason in words where the errno says it, and the errno.
     */
    public static String refusal(Probe probe, HostException e) {
        String spec = io.ktap.ast.ProbeSpecs.format(probe);
        int errno = e.errno();
        String why = null;
        if (probe instanceof Probe.PerfEvent p) {
            if (p.counter().type() == Probe.PerfEvent.Type.HARDWARE
                    && (errno == ENOENT || errno == ENODEV || errno == EOPNOTSUPP)) {
                why = "this machine has no PMU that counts it: hardware events need the CPU's performance-monitoring"
                        + " unit, which virtual machines often lack (the software events, such as cpu-clock and"
                        + " page-faults, need none)";
            } else if (errno == EOPNOTSUPP) {
                why = "the PMU cannot sample it";
            } else if (errno == EINVAL && p.frequency()) {
                why = "the kernel refuses the sample frequency " + p.sample() + " Hz (see"
                        + " kernel.perf_event_max_sample_rate)";
            }
        } else if (errno == ENOSPC) {
            why = "no debug register is free (x86 has 4, shared with every other breakpoint and debugger)";
        } else if (errno == EINVAL && probe instanceof Probe.Breakpoint b && b.access() == Probe.Breakpoint.Access.X
                && (b.symbol() != null || b.address() < 0)) {
            why = "x86 allows execute breakpoints in the kernel only where kprobes may go (a kernel built with"
                    + " CONFIG_KPROBES, outside the kprobe blacklist)";
        } else if (errno == EINVAL) {
            why = "the CPU cannot watch it (x86 watches writes, reads and writes, or an instruction, at an address"
                    + " aligned to the length, outside the kernel's entry and debug code)";
        }
        if (why == null && (errno == EACCES || errno == EPERM)) {
            why = "not allowed (perf counters on other processes or the kernel need root or CAP_PERFMON, and"
                    + " kernel.perf_event_paranoid)";
        }
        return "cannot attach '" + spec + "': " + (why == null ? e.getMessage()
                : why + " (" + io.ktap.host.internal.Errno.describe(errno) + ")");
    }

    private static final int EPERM = 1;
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int ENODEV = 19;
    private static final int EINVAL = 22;
    private static final int ENOSPC = 28;
    private static final int EOPNOTSUPP = 95;

    /** The kernel's architecture as uname -m says it. */
    static String arch() {
        String a = System.getProperty("os.arch", "");
        return switch (a) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> a;
        };
    }
}
