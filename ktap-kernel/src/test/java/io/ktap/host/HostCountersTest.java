package io.ktap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.trace.TraceException;
import io.ktap.trace.TraceOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Perf hardware/software events and hardware breakpoints on the host backend, against the real
 * kernel: counts a test binary's known work (pages touched, sleeps, stores, CPU time, syscalls).
 */
class HostCountersTest {

    private final HostBackend backend = new HostBackend();
    private Path target;

    @BeforeEach
    void setUp() throws Exception {
        NativeHelpers.assumeHostTracing();
        target = NativeHelpers.binary("counter_target", "-no-pie");
    }

    /** The command's name as the kernel keeps it (15 bytes). */
    private String comm() {
        String name = target.getFileName().toString();
        return name.substring(0, Math.min(15, name.length()));
    }

    private ProcessBuilder run(String mode, long n) {
        return new ProcessBuilder(target.toString(), mode, Long.toString(n)).redirectErrorStream(true);
    }

    private ElfFile.Symbol symbol(String name) throws HostException {
        return ElfFile.open(target).symbols().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static long count(Scripts.Recorder r) {
        assertTrue(r.errors().isEmpty(), r.errors()::toString);
        String out = r.printed().strip();
        assertTrue(out.matches("n\t\\d+"), out);
        return Long.parseLong(out.substring(2));
    }

    @Test
    void everyPageTouchedFaultsOnceInTheTouchingFunction() throws Exception {
        int pages = 3_000;
        ElfFile.Symbol touch = symbol("ktap_touch");
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n, all = 0, 0
                trace page-faults { all += 1; if (arg1 >= LO && arg1 < HI && execname == "COMM") { n += 1 } }
                trace_end { print("n", n) }
                """.replace("LO", Long.toString(touch.value())).replace("HI", Long.toString(touch.value() + touch.size()))
                .replace("COMM", comm()),
                run("pages", pages));
        assertEquals(pages, count(r), "faults whose ip is in ktap_touch: one per page");
        assertEquals(0, r.lost());
    }

    @Test
    void minorFaultsWithASamplePeriodRunOncePerPeriod() throws Exception {
        int pages = 4_000;
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n, events = 0, 0
                trace perf:minor-faults/period=100/ { n += 1; events += arg2 }
                trace_end { print("n", n); if (events != n * 100) { print("period", events) } }
                """, run("pages", pages));
        long n = count(r);
        assertTrue(n >= pages / 100 && n <= pages / 100 + 5, "samples of 100 faults each: " + n);
    }

    @Test
    void everySleepIsAContextSwitch() throws Exception {
        int sleeps = 200;
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n = 0
                trace cs { if (execname == "COMM") { n += 1 } }
                trace_end { print("n", n) }
                """.replace("COMM", comm()), run("sleep", sleeps));
        long n = count(r);
        assertTrue(n >= sleeps, "at least one switch per sleep: " + n);
    }

    @Test
    void aContextSwitchHandlerSeesItsTaskAndKernelStack() throws Exception {
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var done = false
                trace cs {
                    if (!done && execname == "COMM") { done = true; print(pid == tid, cpu >= 0); print_backtrace() }
                }
                """.replace("COMM", comm()), run("sleep", 5));
        String out = r.printed();
        assertTrue(out.startsWith("true\ttrue\n"), out);
        assertTrue(out.contains(" => schedule+0x") || out.contains(" => __schedule+0x"), "a scheduler stack: " + out);
    }

    @Test
    void cpuClockSamplesTheCommandsCpuTime() throws Exception {
        int millis = 300;
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n, ns = 0, 0
                trace perf:cpu-clock/period=1000000/ { n += 1; ns += arg2; if (arg1 == 0) { print("no ip") } }
                trace_end { print("n", n); if (ns != n * 1000000) { print("period", ns) } }
                """, run("spin", millis));
        long n = count(r);
        // One sample per millisecond of the command's CPU time (300 ms spinning, a little more to start).
        assertTrue(n >= millis * 9 / 10 && n <= millis * 2, "1 ms samples of 300 ms of CPU time: " + n);
    }

    @Test
    void aWriteWatchpointSeesEveryStoreAndNotTheNeighbours() throws Exception {
        int stores = 5_000;
        ElfFile.Symbol watched = symbol("ktap_watched");
        ElfFile.Symbol store = symbol("ktap_store");
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n, bad = 0, 0
                trace mem:ADDR/8:w {
                    if (arg1 != ADDR || argname != "mem:ADDR_HEX/8:w") {
                        bad += 1
                    } elseif (arg2 > STORE && arg2 <= STORE_END) {
                        n += 1
                    } elseif (arg2 >= 0) {
                        bad += 1
                    }
                }
                trace_end { print("n", n); if (bad > 0) { print("bad", bad) } }
                """.replace("ADDR_HEX", "0x" + Long.toHexString(watched.value()))
                .replace("STORE_END", Long.toString(store.value() + store.size()))
                .replace("STORE", Long.toString(store.value()))
                .replace("ADDR", Long.toString(watched.value())), run("write", stores));
        // Stores from ktap_store (the ip is the next instruction), and no other user-mode writes;
        // the kernel clears the .bss at exec (elf_load), which a write watch also sees.
        assertEquals(stores, count(r), r.printed());
    }

    @Test
    void anExecuteBreakpointOnAUserFunctionCountsEveryCall() throws Exception {
        int calls = 1_234;
        long called = symbol("ktap_called").value();
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n = 0
                trace mem:ADDR:x { if (arg2 == ADDR) { n += 1 } }
                trace_end { print("n", n) }
                """.replace("ADDR", Long.toString(called)), run("call", calls));
        assertEquals(calls, count(r));
    }

    /** Kernel execute breakpoints go where kprobes may: counted with kprobes, refused clearly without. */
    @Test
    void anExecuteBreakpointOnAKernelFunction() throws Exception {
        int calls = 777;
        String script = """
                var n = 0
                trace mem:__x64_sys_getppid:x { n += 1 }
                trace_end { print("n", n) }
                """;
        if (Files.exists(Tracefs.open().root().resolve("kprobe_events"))) {
            assertEquals(calls, count(Scripts.runCommand(backend, script, run("getppid", calls))));
            return;
        }
        TraceException e = assertThrows(TraceException.class,
                () -> backend.openCommand(Scripts.compile(script), TraceOptions.defaults(), run("getppid", 1)).close());
        assertEquals("cannot attach 'mem:__x64_sys_getppid/8:x': x86 allows execute breakpoints in the kernel only where"
                + " kprobes may go (a kernel built with CONFIG_KPROBES, outside the kprobe blacklist) (EINVAL (Invalid"
                + " argument))", e.getMessage());
    }

    @Test
    void argeventOfAPerfEvent() throws Exception {
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var done = false
                trace perf:major-faults, perf:page-faults { if (!done) { print(argevent); done = true } }
                """, run("pages", 10));
        String line = r.printed().strip();
        assertTrue(line.matches(" *" + comm() + "-\\d+ +\\[\\d{3}\\] \\.{5} +\\d+\\.\\d{6}: page-faults: ip=0x[0-9a-f]+ period=1"),
                line);
    }

    @Test
    void hardwareEventsWorkWithAPmuAndSayWhyNotWithout() throws Exception {
        boolean pmu = Files.isDirectory(Path.of("/sys/bus/event_source/devices/cpu"))
                || Files.isDirectory(Path.of("/sys/bus/event_source/devices/cpu_core"));
        String script = "var n = 0\ntrace cycles/period=1000000/ { n += 1 }\ntrace_end { print(\"n\", n) }";
        if (pmu) {
            long n = count(Scripts.runCommand(backend, script, run("spin", 200)));
            assertTrue(n > 0, "cycles sampled: " + n);
            return;
        }
        TraceException e = assertThrows(TraceException.class,
                () -> backend.openCommand(Scripts.compile(script), TraceOptions.defaults(), run("spin", 1)).close());
        assertEquals("cannot attach 'perf:cycles/period=1000000/': this machine has no PMU that counts it: hardware"
                + " events need the CPU's performance-monitoring unit, which virtual machines often lack (the software"
                + " events, such as cpu-clock and page-faults, need none) (ENOENT (No such file or directory))",
                e.getMessage());
    }

    @Test
    void whatTheCpuCannotWatchIsRefusedWithTheReason() throws Exception {
        long addr = symbol("ktap_watched").value();
        for (List<String> c : List.of(
                List.of("mem:" + addr + "/4:r", "x86 breakpoints cannot watch reads alone; watch reads and writes with :rw"),
                List.of("mem:" + (addr + 2) + "/4:w", "is not aligned to its length 4"),
                List.of("mem:no_such_symbol_here:w", "no kernel symbol 'no_such_symbol_here' in /proc/kallsyms"))) {
            TraceException e = assertThrows(TraceException.class, () -> backend.openCommand(
                    Scripts.compile("trace " + c.get(0) + " { }"), TraceOptions.defaults(), run("write", 1)).close());
            assertTrue(e.getMessage().contains(c.get(1)), e.getMessage());
        }
    }

    @Test
    void systemWidePerCpuCountersSeeOtherProcesses() throws Exception {
        // System-wide: a counter per CPU, the ktap process itself skipped.
        Scripts.Recorder r = new Scripts.Recorder();
        int calls = 500;
        long watched = symbol("ktap_watched").value();
        try (HostSession s = backend.open(Scripts.compile("""
                var n = 0
                trace mem:ADDR/8:w { if (execname == "COMM" && arg2 >= 0) { n += 1 } }
                trace_end { print("n", n) }
                """.replace("ADDR", Long.toString(watched)).replace("COMM", comm())), TraceOptions.defaults())) {
            r.attach(s);
            s.startAsync();
            Process p = run("write", calls).start();
            SyscallCountTest.awaitExit(p);
            s.close();
        }
        assertEquals(calls, count(r), Arrays.toString(new Object[] {r.printed()}));
    }
}
