package io.ktap.host;

import com.sun.jna.Platform;
import io.ktap.host.internal.LibC;
import io.ktap.host.internal.Perf;
import io.ktap.host.internal.PerfEventAttr;
import io.ktap.host.internal.Sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether this host can be traced without a kernel module: Linux on x86_64 or aarch64, JNA able to
 * load libc, tracefs present (mounted if needed), and perf_event_open permitted for CPU-wide
 * events. Probed once, on first use; never throws a stray {@link UnsatisfiedLinkError}.
 */
public final class HostSupport {
    private HostSupport() {
    }

    private static final class Probe {
        static final HostException CAUSE = probe();
    }

    /** Whether the host backend can work here. */
    public static boolean isAvailable() {
        return Probe.CAUSE == null;
    }

    /** Why the host backend cannot work here, or {@code null} when it can. */
    public static HostException unavailabilityCause() {
        return Probe.CAUSE;
    }

    /** Throws the {@linkplain #unavailabilityCause() cause} if unavailable. */
    public static void ensureAvailable() throws HostException {
        if (Probe.CAUSE != null) {
            throw new HostException(Probe.CAUSE.getMessage(), Probe.CAUSE.errno(), Probe.CAUSE);
        }
    }

    private static HostException probe() {
        if (!Platform.isLinux()) {
            return new HostException("host tracing needs Linux (this is " + System.getProperty("os.name") + ")");
        }
        if (Sys.NR_PERF_EVENT_OPEN < 0) {
            return new HostException("host tracing supports x86_64 and aarch64 (this is " + Platform.ARCH + ")");
        }
        try {
            LibC.geteuid();
        } catch (LinkageError e) {
            return new HostException("JNA cannot bind libc: " + e, e);
        }
        try {
            Tracefs.open();
        } catch (HostException e) {
            return e;
        }
        List<Integer> cpus;
        try {
            cpus = onlineCpus();
        } catch (HostException e) {
            return e;
        }
        PerfEventAttr dummy = new PerfEventAttr(Perf.TYPE_SOFTWARE, Perf.COUNT_SW_DUMMY)
                .flags(Perf.FLAG_DISABLED);
        try {
            int fd = Sys.perfEventOpen(dummy, -1, cpus.get(0), -1, Perf.FLAG_FD_CLOEXEC);
            Sys.closeQuietly(fd);
        } catch (HostException e) {
            String who = LibC.geteuid() == 0 ? "" : " (not running as root)";
            return new HostException("perf events are not usable" + who + ": " + e.getMessage(), e.errno(), e);
        }
        return null;
    }

    /** The online CPUs, from {@code /sys/devices/system/cpu/online} ({@code 0-3,6}). */
    public static List<Integer> onlineCpus() throws HostException {
        Path file = Path.of("/sys/devices/system/cpu/online");
        try {
            return parseCpuList(Files.readString(file).strip());
        } catch (IOException | IllegalArgumentException e) {
            throw new HostException("cannot read the online CPUs from " + file + ": " + e.getMessage(), e);
        }
    }

    static List<Integer> parseCpuList(String text) {
        List<Integer> cpus = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int dash = part.indexOf('-');
            if (dash < 0) {
                cpus.add(Integer.parseInt(part.strip()));
            } else {
                int from = Integer.parseInt(part.substring(0, dash).strip());
                int to = Integer.parseInt(part.substring(dash + 1).strip());
                for (int c = from; c <= to; c++) {
                    cpus.add(c);
                }
            }
        }
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException("empty cpu list '" + text + "'");
        }
        return cpus;
    }
}
