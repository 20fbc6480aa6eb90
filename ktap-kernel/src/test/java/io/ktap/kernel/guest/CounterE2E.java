package io.ktap.kernel.guest;

import static io.ktap.kernel.guest.KernelE2E.kernel;
import static io.ktap.kernel.guest.KernelE2E.program;
import static io.ktap.kernel.guest.KernelE2E.require;
import static io.ktap.kernel.guest.KernelE2E.traceWhile;

import io.ktap.host.ElfFile;
import io.ktap.kernel.KernelSession;
import io.ktap.trace.TraceException;
import io.ktap.trace.TraceOptions;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The guest checks of perf events and hardware breakpoints on ktapvm.ko (run by {@link KernelE2E}):
 * software events counted exactly where the kernel guarantees it, write and execute breakpoints on
 * a user variable, a kernel function and a kernel data symbol, and hardware events refused with
 * the reason when the machine has no PMU (QEMU's TCG has none).
 */
final class CounterE2E {

    private CounterE2E() {
    }

    /** The target, started and held on stdin, with where its symbols landed. */
    private record Held(Process process, ElfFile elf, Path binary) {
        /** The run-time address of {@code symbol} in the process. */
        long address(String symbol) throws Exception {
            ElfFile.Symbol s = elf.symbols().stream().filter(x -> x.name().equals(symbol)).findFirst().orElseThrow();
            // the load bias: where the segment at file offset 0 was mapped, less its vaddr
            ElfFile.Segment first = elf.loadSegments().stream().filter(g -> g.offset() == 0).findFirst().orElseThrow();
            long fileOffset = 0;
            String real = binary.toRealPath().toString();
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "maps"))) {
                // 55d0c0a00000-55d0c0a01000 r-xp 00001000 00:1f 1234   /path
                String[] f = line.trim().split("\\s+");
                if (f.length < 6 || !f[5].equals(real)) {
                    continue;
                }
                String[] range = f[0].split("-");
                long start = Long.parseUnsignedLong(range[0], 16);
                long end = Long.parseUnsignedLong(range[1], 16);
                long offset = Long.parseUnsignedLong(f[2], 16);
                if (fileOffset >= offset && fileOffset < offset + (end - start)) {
                    return start - first.vaddr() + s.value();
                }
            }
            throw new AssertionError(symbol + " is not mapped in " + process.pid());
        }

        long size(String symbol) throws Exception {
            return elf.symbols().stream().filter(x -> x.name().equals(symbol)).findFirst().orElseThrow().size();
        }
    }

    private static Held hold(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(KernelE2E.target.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // the target maps its binary before it blocks on stdin; wait until the maps show it
        Path maps = Path.of("/proc", Long.toString(p.pid()), "maps");
        for (int i = 0; i < 500 && !Files.readString(maps).contains(KernelE2E.target.toRealPath().toString()); i++) {
            Thread.sleep(10);
        }
        return new Held(p, ElfFile.open(KernelE2E.target), KernelE2E.target);
    }

    private static KernelE2E.Run trace(Held h, String script) throws Exception {
        try {
            return traceWhile(script, kernel(), TraceOptions.defaults().pid((int) h.process().pid()), null, () -> {
                OutputStream in = h.process().getOutputStream();
                in.write('\n');
                in.close();
                require(h.process().waitFor(300, TimeUnit.SECONDS), "the target did not finish");
                require(h.process().exitValue() == 0, "the target failed: " + h.process().exitValue());
            });
        } finally {
            h.process().destroyForcibly();
        }
    }

    /** page-faults, context switches and a sampled minor-faults on a traced process. */
    static void softwareEvents() throws Exception {
        int pages = 2_000;
        Held h = hold("pages", Integer.toString(pages));
        long touch = h.address("ktap_target_touch");
        KernelE2E.Run r = trace(h, "var n, all, line = 0, 0, nil\n"
                + "trace page-faults { all += 1; if (arg1 >= " + touch + " && arg1 < " + (touch + h.size("ktap_target_touch"))
                + ") { n += 1 }; if (line == nil) { line = argevent } }\n"
                + "trace_end { print(n, all >= n); print(line) }\n");
        require(r.errors().isEmpty(), "errors " + r.errors());
        List<String> lines = r.text().lines().toList();
        require(lines.size() == 2 && lines.get(0).equals(pages + "\ttrue"),
                "expected one fault per page in ktap_target_touch, got " + r.text());
        require(lines.get(1).matches("\\s*ktap_target-" + h.process().pid()
                + "\\s+\\[\\d{3}\\] \\S{5}\\s+\\d+\\.\\d{6}: page-faults: ip=0x[0-9a-f]+ period=1"), "argevent " + lines.get(1));

        int sleeps = 50;
        KernelE2E.Run cs = trace(hold("sleep", Integer.toString(sleeps)),
                "var n, p = 0, 0\ntrace cs { n += 1 }\ntrace perf:minor-faults/period=10/ { p += arg2 }\n"
                        + "trace_end { print(n >= " + sleeps + ", p % 10) }\n");
        require(cs.text().equals("true\t0\n"), "a context switch per sleep, periods of 10: " + cs.text());
    }

    /** A write watch on the target's variable, an execute breakpoint on a kernel function, one on jiffies. */
    static void breakpoints() throws Exception {
        int stores = 3_000;
        Held h = hold("store", Integer.toString(stores));
        long watched = h.address("ktap_target_watched");
        long store = h.address("ktap_target_store");
        KernelE2E.Run r = trace(h, "var n, other = 0, 0\n"
                + "trace mem:" + watched + "/8:w {\n"
                + "  if (arg1 == " + watched + " && arg2 > " + store + " && arg2 <= " + (store + h.size("ktap_target_store"))
                + " && execname == \"ktap_target\") { n += 1 } else { other += 1 }\n}\n"
                + "trace_end { print(n, other) }\n");
        require(r.text().equals(stores + "\t0\n"), "expected " + stores + " stores from ktap_target_store, got " + r.text());

        int calls = 400;
        KernelE2E.Run x = trace(hold("getppid", Integer.toString(calls)),
                "var n = 0\ntrace mem:__x64_sys_getppid:x { n += 1; if (n == 1) { print(ipof(arg2)) } }\n"
                        + "trace_end { print(n) }\n");
        require(x.text().matches("__(x64|do)_sys_getppid\\+0x0/0x[0-9a-f]+\n" + calls + "\n"),
                "an execute breakpoint hit per getppid: " + x.text());

        Process sleeper = new ProcessBuilder("sleep", "0.3").start();
        KernelE2E.Run j = traceWhile("var n, sym = 0, nil\n"
                + "trace mem:jiffies/8:w { n += 1; sym = ipof(arg1) }\n"
                + "trace_end { print(n > 0, sym) }\n", kernel(), TraceOptions.defaults(), null,
                () -> require(sleeper.waitFor(60, TimeUnit.SECONDS), "sleep did not end"));
        require(j.text().matches("true\tjiffies(_64)?\\+0x0/0x[0-9a-f]+\n"), "jiffies is written on every tick: " + j.text());
    }

    /** Hardware events: sampled with a PMU; refused with the reason without one (QEMU TCG). */
    static void hardwareEvents() throws Exception {
        boolean pmu = Files.isDirectory(Path.of("/sys/bus/event_source/devices/cpu"));
        String script = "var n = 0\ntrace cycles/period=100000/ { n += 1 }\ntick-200ms { exit() }\n"
                + "trace_end { print(n > 0) }\n";
        if (pmu) {
            KernelE2E.Run r = traceWhile(script, kernel(), TraceOptions.defaults(), null, () -> Thread.sleep(500));
            require(r.text().equals("true\n"), "cycles sampled: " + r.text());
            return;
        }
        try (KernelSession s = kernel().open(program("hw.kp", script), TraceOptions.defaults())) {
            throw new AssertionError("cycles opened without a PMU: " + s);
        } catch (TraceException e) {
            require(e.getMessage().contains("cannot open perf:cycles/period=100000/ on cpu ")
                    && e.getMessage().contains("this machine has no PMU that counts it"), "message: " + e.getMessage());
        }
        // the session that failed released everything: a software event still opens and runs
        KernelE2E.Run ok = traceWhile("var n = 0\ntrace cpu-clock/period=1000000/ { n += 1 }\n"
                + "trace_end { print(n > 0) }\n", kernel(), TraceOptions.defaults(), null, () -> Thread.sleep(300));
        require(ok.text().equals("true\n"), "cpu-clock after the refused cycles: " + ok.text());
    }
}
