package io.ktap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.trace.Backends;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The host backend end to end on the real kernel: script text, compiler, bytecode, the Java VM
 * fed by perf samples. Each workload is a C helper whose behaviour is exactly known. Counts that
 * must be exact stay below what the default ring holds, so no timing can lose a sample.
 */
class HostBackendTest {
    private static final int N = 5_000;

    private final HostBackend backend = new HostBackend();
    private Path getppid;

    @BeforeEach
    void setUp() throws Exception {
        NativeHelpers.assumeHostTracing();
        getppid = NativeHelpers.binary("getppid_loop");
    }

    private ProcessBuilder getppid(int n) {
        return new ProcessBuilder(getppid.toString(), Integer.toString(n));
    }

    @Test
    void countsEveryGetppidOfACommand() throws Exception {
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n = 0
                trace syscalls:sys_enter_getppid { n += 1 }
                trace_end { print("count", n) }
                """, getppid(N));
        assertEquals("count\t" + N + "\n", r.printed());
        assertEquals(0, r.lost());
        assertTrue(r.errors().isEmpty(), r.errors()::toString);
    }

    @Test
    void countsEveryGetppidOfARunningProcessAndItsChild() throws Exception {
        int forked = 123;
        Process child = new ProcessBuilder(getppid.toString(), Integer.toString(N), "wait", "fork=" + forked).start();
        try {
            Scripts.Recorder r = new Scripts.Recorder();
            try (HostSession s = backend.open(Scripts.compile("""
                    var n = {}
                    trace syscalls:sys_enter_getppid { n[pid == arg0pid and "parent" or "child"] += 1 }
                    trace_end { print(n["parent"], n["child"]) }
                    """.replace("arg0pid", Long.toString(child.pid()))), TraceOptions.defaults().pid((int) child.pid()))) {
                r.attach(s);
                s.startAsync();
                release(child);
                assertTrue(s.awaitTermination(Scripts.END), "the session did not end when the process exited");
            }
            assertEquals(N + "\t" + forked + "\n", r.printed());
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void onlyTheChosenCpuIsTraced() throws Exception {
        assertTrue(HostSupport.onlineCpus().size() > 1, "needs two CPUs (every machine of this kind has two)");
        String script = """
                var n = 0
                trace syscalls:sys_enter_getppid { n += 1 }
                trace_end { print(n, cpu_seen) }
                var cpu_seen = -1
                trace syscalls:sys_enter_getppid { cpu_seen = cpu() }
                """;
        for (int traced : new int[] {0, 1}) {
            Scripts.Recorder r = new Scripts.Recorder();
            try (HostSession s = backend.openCommand(Scripts.compile(script), TraceOptions.defaults().cpu(traced),
                    new ProcessBuilder(getppid.toString(), Integer.toString(N), "cpu=0"))) {
                r.attach(s);
                s.start();
            }
            assertEquals(traced == 0 ? N + "\t0\n" : "0\t-1\n", r.printed(), "-C " + traced);
        }
    }

    @Test
    void countsSyscallsByNameForOneProcess() throws Exception {
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var s = {}
                trace syscalls:sys_enter_* { s[argname] += 1 }
                trace_end { for (k, v in pairs(s)) { printf("%s %d\\n", k, v) } }
                """, getppid(N));
        Map<String, Long> counts = parseCounts(r.printed());
        assertEquals(N, counts.get("sys_enter_getppid"), counts::toString);
        assertEquals(1, counts.get("sys_enter_exit_group"), counts::toString);
        assertFalse(counts.containsKey("sys_enter_execve"), "events enable at the command's exec, after it");
        assertEquals(0, r.lost());
    }

    @Test
    void execnameIsTheCommandEvenAfterItHasExited() throws Exception {
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var s = {}
                trace syscalls:sys_enter_getppid { s[execname] += 1 }
                trace_end { for (k, v in pairs(s)) { printf("%s %d\\n", k, v) } }
                """, getppid(N));
        assertEquals(Map.of("getppid_loop", (long) N), parseCounts(r.printed()));
    }

    @Test
    void uprobeAndUretprobeSeeEveryCallWithItsArgumentAndReturnValue() throws Exception {
        int m = 1_000;
        Path target = NativeHelpers.binary("uprobe_target");
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var calls, args, returns, values = 0, 0, 0, 0
                trace probe:TARGET:ktap_work x=%di:s32 { calls += 1; args += arg2 }
                trace probe:TARGET:ktap_work%return { returns += 1; values += arg3 }
                trace_end { print(calls, args, returns, values) }
                """.replace("TARGET", target.toString()), new ProcessBuilder(target.toString(), Integer.toString(m)));
        long sumArgs = (long) m * (m - 1) / 2;
        assertEquals(m + "\t" + sumArgs + "\t" + m + "\t" + (3 * sumArgs + m) + "\n", r.printed());
    }

    @Test
    void uprobeFilterRunsInTheKernel() throws Exception {
        Path target = NativeHelpers.binary("uprobe_target");
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n = 0
                trace probe:TARGET:ktap_work x=%di:s32 /x < 10 || x >= 95/ { n += 1 }
                trace_end { print(n) }
                """.replace("TARGET", target.toString()), new ProcessBuilder(target.toString(), "100"));
        assertEquals("15\n", r.printed());
    }

    @Test
    void tracepointFilterRunsInTheKernel() throws Exception {
        Path ops = NativeHelpers.binary("file_ops");
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n, bytes = 0, 0
                trace syscalls:sys_enter_write /count >= 5 && count != 7/ { n += 1; bytes += arg4 }
                trace_end { print(n, bytes) }
                """, new ProcessBuilder(ops.toString(), "/etc/hostname", "10"));
        assertEquals("5\t" + (5 + 6 + 8 + 9 + 10) + "\n", r.printed());
    }

    @Test
    void sdtMarkerRaisesItsSemaphoreAndSeesItsArguments() throws Exception {
        Path target = NativeHelpers.binary("sdt_target");
        int m = 200;
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n, a, b = 0, 0, 0
                trace sdt:TARGET:tick { n += 1; a += arg2; b += arg3 }
                trace_end { print(argname_seen, n, a, b) }
                var argname_seen = nil
                trace sdt:TARGET:ti* { argname_seen = argname }
                """.replace("TARGET", target.toString()), new ProcessBuilder(target.toString(), Integer.toString(m)));
        long sum = (long) m * (m - 1) / 2;
        assertEquals("tick\t" + m + "\t" + sum + "\t" + 10 * sum + "\n", r.printed());
    }

    @Test
    void tickFiresUntilExit() throws Exception {
        Scripts.Recorder r = new Scripts.Recorder();
        try (HostSession s = backend.open(Scripts.compile("""
                var t = 0
                tick-10ms { t += 1; if (t == 3) { exit() } }
                trace_end { print("ticks", t, argname_in_end) }
                var argname_in_end = "end"
                """))) {
            r.attach(s);
            s.start();
        }
        assertEquals("ticks\t3\tend\n", r.printed());
    }

    @Test
    void profileSamplesTheCommandOnItsCpus() throws Exception {
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n, mine = 0, 0
                profile-1ms { n += 1; if (execname == "getppid_loop") { mine += 1 } }
                trace_end { print(n > 0, n == mine) }
                """, getppid(3_000_000));
        assertEquals("true\ttrue\n", r.printed());
    }

    @Test
    void exitFromAHandlerStopsTheHandlersAndRunsTheEndBlock() throws Exception {
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n = 0
                trace syscalls:sys_enter_getppid { n += 1; if (n == 100) { exit() } }
                trace_end { print("end", n) }
                """, getppid(N));
        assertEquals("end\t100\n", r.printed());
    }

    @Test
    void aRuntimeErrorIsARecordAndTheEndBlockStillRuns() throws Exception {
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n = 0
                trace syscalls:sys_enter_getppid { n += 1; if (n == 10) { n = n / 0 } }
                trace_end { print("end", n) }
                """, getppid(N));
        assertEquals("end\t10\n", r.printed());
        List<TraceOutput.RuntimeError> errors = r.errors();
        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.get(0).message().contains("zero"), errors.get(0)::toString);
        assertEquals(2, errors.get(0).line());
    }

    @Test
    void histogramOfSyscallNames() throws Exception {
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var s = {}
                trace syscalls:sys_enter_* { s[argname] += 1 }
                trace_end { histogram(s) }
                """, getppid(N));
        List<TraceOutput.Histogram> h = r.histograms();
        assertEquals(1, h.size());
        TraceOutput.Histogram.Row top = h.get(0).rows().get(0);
        assertEquals("sys_enter_getppid", top.key());
        assertEquals(N, top.count());
        assertTrue(r.printed().contains("              sys_enter_getppid |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"),
                r.printed());
    }

    @Test
    void lostSamplesOfATinyRingAreReportedAsData() throws Exception {
        int total = 200_000;
        Scripts.Recorder r = Scripts.runCommand(backend.withRingPages(1), """
                var n = 0
                trace syscalls:sys_enter_getppid { n += 1 }
                trace_end { print(n) }
                """, getppid(total));
        long handled = Long.parseLong(r.printed().strip());
        assertTrue(r.lost() > 0, "a one-page ring cannot hold a 200,000-syscall burst");
        assertEquals(total, handled + r.lost(), "every sample is either handled or counted lost");
    }

    @Test
    void argeventIsTheTraceFileLine() throws Exception {
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var line = nil
                trace syscalls:sys_enter_getppid { if (line == nil) { line = argevent } }
                trace_end { print(line) }
                """, getppid(10));
        Pattern p = Pattern.compile(" *getppid_loop-\\d+ +\\[\\d{3}] [.dXnNbBlLpzZhHs0-9a-f]{5} +\\d+\\.\\d{6}: sys_getppid\\(\\)\n");
        assertTrue(p.matcher(r.printed()).matches(), r.printed());
    }

    @Test
    void syscallArgumentsAndUserStringsOfALiveProcess() throws Exception {
        Path ops = NativeHelpers.binary("file_ops");
        Path file = Files.createTempFile("ktap-host", ".txt");
        Process child = new ProcessBuilder(ops.toString(), file.toString(), "3", "wait").start();
        try (OutputStream stdin = child.getOutputStream()) {
            Scripts.Recorder r = new Scripts.Recorder();
            try (HostSession s = backend.open(Scripts.compile("""
                    trace syscalls:sys_enter_openat {
                        if (user_string(arg3) == "PATH") {
                            print(argevent)
                            print(arg2, user_string(arg3), arg4, user_string(0))
                            exit()
                        }
                    }
                    """.replace("PATH", file.toString())), TraceOptions.defaults().pid((int) child.pid()))) {
                r.attach(s);
                s.startAsync();
                stdin.write('x');   // let it open the file; it then waits for stdin to close
                stdin.flush();
                assertTrue(s.awaitTermination(Scripts.END), "the handler never saw the file's name");
            }
            String[] lines = r.printed().split("\n");
            assertEquals(2, lines.length, r.printed());
            Pattern line = Pattern.compile(" *file_ops-" + child.pid() + " +\\[\\d{3}] \\S{5} +\\d+\\.\\d{6}: "
                    + "sys_openat\\(dfd: 0xffffff9c, filename: 0x[0-9a-f]+, flags: 0, mode: 0\\)");
            assertTrue(line.matcher(lines[0]).matches(), lines[0]);
            // dfd is AT_FDCWD (-100) as the 32-bit int glibc passes; O_RDONLY is 0; an unreadable address is nil.
            assertEquals(0xffffff9cL + "\t" + file + "\t0\tnil", lines[1]);
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(file);
        }
    }

    @Test
    void autoPicksTheHostBackendWhenTheModuleIsNotLoaded() {
        assertEquals("host", Backends.auto().name());
        assertEquals("host", Backends.host().name());
        assertTrue(Backends.host().isAvailable());
        assertFalse(Backends.kernel().isAvailable());
        assertTrue(Backends.kernel().unavailabilityCause().orElseThrow().contains("ktapvm"));
    }

    @Test
    void aProgramWithNothingToTraceEndsAfterItsMainChunk() throws Exception {
        Scripts.Recorder r = new Scripts.Recorder();
        try (HostSession s = backend.open(Scripts.compile("""
                print("hello", arg[0])
                trace_end { print("end") }
                """), TraceOptions.defaults().scriptArgs("hello.kp", List.of()))) {
            r.attach(s);
            s.start();
            assertTrue(s.isTerminated());
        }
        assertEquals("hello\thello.kp\nend\n", r.printed());
    }

    @Test
    void earlyApiProbesGetTheEventAsAnObject() throws Exception {
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n, names = 0, {}
                kdebug.probe("tp:syscalls:sys_enter_getppid", function (e) { n += 1; names[e.name] = e.sc_is_enter })
                kdebug.probe_end(function () { print(n, names["sys_enter_getppid"]) })
                """, getppid(N));
        assertEquals(N + "\ttrue\n", r.printed());
    }

    @Test
    void tracepointLinesRenderThePrintFmtAndBacktracesAreSymbolized() throws Exception {
        Scripts.Recorder r = Scripts.runCommand(backend, """
                trace sched:sched_process_exec { print(argevent) }
                trace sched:sched_process_exit { print(argevent); print_backtrace() }
                """, getppid(1));
        String[] lines = r.printed().split("\n");
        Pattern exec = Pattern.compile(" *getppid_loop-(\\d+) +\\[\\d{3}] \\S{5} +\\d+\\.\\d{6}: sched_process_exec: "
                + "filename=" + Pattern.quote(getppid.toString()) + " pid=(\\d+) old_pid=(\\d+)");
        java.util.regex.Matcher m = exec.matcher(lines[0]);
        assertTrue(m.matches(), lines[0]);
        assertEquals(m.group(1), m.group(2));
        assertTrue(lines[1].matches(" *getppid_loop-" + m.group(1) + " .*: sched_process_exit: comm=getppid_loop pid="
                + m.group(1) + " prio=\\d+ group_dead=true"), lines[1]);
        List<String> frames = List.of(lines).subList(2, lines.length);
        assertTrue(frames.stream().allMatch(f -> f.matches(" => [A-Za-z0-9_.]+\\+0x[0-9a-f]+/0x[0-9a-f]+( \\[\\S+])?")),
                frames::toString);
        assertTrue(frames.stream().anyMatch(f -> f.startsWith(" => do_exit+")), frames::toString);
    }

    @Test
    void uprobeLinesAreWrittenLikeTheKernelWritesThem() throws Exception {
        Path target = NativeHelpers.binary("uprobe_target");
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var seen = 0
                trace probe:TARGET:ktap_work x=%di:s32 /x == 5/ { print(argevent) }
                trace probe:TARGET:ktap_work%return /ret == 16/ { print(argevent) }
                """.replace("TARGET", target.toString()), new ProcessBuilder(target.toString(), "10"));
        String[] lines = r.printed().split("\n");
        assertEquals(2, lines.length, r.printed());
        assertTrue(lines[0].matches(" *uprobe_target-\\d+ +\\[\\d{3}] \\S{5} +\\d+\\.\\d{6}: ktap_work: \\(0x[0-9a-f]+\\) x=5"),
                lines[0]);
        assertTrue(lines[1].matches(".*: ktap_work__return: \\(0x[0-9a-f]+ <- 0x[0-9a-f]+\\) ret=16"), lines[1]);
    }

    @Test
    void closingFromAnotherThreadEndsTracingAndRunsTheEndBlock() throws Exception {
        Scripts.Recorder r = new Scripts.Recorder();
        HostSession s = backend.open(Scripts.compile("""
                var n = 0
                trace sched:sched_process_exec { n += 1 }
                trace_end { print("end") }
                """));
        r.attach(s);
        s.startAsync();
        assertFalse(s.isTerminated(), "a system-wide trace runs until it is closed");
        s.close();
        assertTrue(s.isTerminated());
        assertEquals("end\n", r.printed());
        s.close();  // idempotent
        assertEquals("end\n", r.printed());
    }

    @Test
    void probeEventsAreRemovedWhenTheSessionEnds() throws Exception {
        Path target = NativeHelpers.binary("uprobe_target");
        Path sdt = NativeHelpers.binary("sdt_target");
        String group = "ktap_" + ProcessHandle.current().pid() + "_";
        Path uprobeEvents = Path.of("/sys/kernel/tracing/uprobe_events");
        Scripts.runCommand(backend, """
                var n = 0
                trace probe:TARGET:ktap_work { n += 1 }
                trace probe:TARGET:ktap_work%return { n += 1 }
                trace sdt:SDT:tick { n += 1 }
                """.replace("TARGET", target.toString()).replace("SDT", sdt.toString()),
                new ProcessBuilder(target.toString(), "3"));
        assertFalse(Files.readString(uprobeEvents).contains(group), Files.readString(uprobeEvents));
    }

    @Test
    void probesThatCannotBeResolvedFailAtOpenWithTheReason() throws Exception {
        assertOpenFails("trace syscalls:sys_enter_no_such_call { }", "cannot attach 'syscalls:sys_enter_no_such_call':"
                + " no tracepoint matches");
        assertOpenFails("trace syscalls:sys_enter_write /no_such_field == 1/ { }", "event filter 'no_such_field == 1'");
        assertOpenFails("trace probe:/no/such/binary:main { }", "no such binary: /no/such/binary");
        assertOpenFails("trace probe:" + getppid + ":no_such_function { }", "no function 'no_such_function'");
        assertOpenFails("trace sdt:" + getppid + ":nothing { }", "it has no .note.stapsdt markers");
        io.ktap.trace.TraceException noPid = org.junit.jupiter.api.Assertions.assertThrows(
                io.ktap.trace.TraceException.class, () -> backend.open(Scripts.compile("trace sched:sched_switch { }"),
                        TraceOptions.defaults().pid(Integer.MAX_VALUE)).close());
        assertTrue(noPid.getMessage().contains("no process " + Integer.MAX_VALUE), noPid.getMessage());
        if (!Files.exists(Path.of("/sys/kernel/tracing/kprobe_events"))) {
            assertOpenFails("trace probe:vfs_read { }", "this kernel cannot create kprobes");
        }
    }

    @Test
    void theFunctionEventIsTracedOrRefusedWithTheReason() throws Exception {
        String script = """
                var n = 0
                trace ftrace:function /ip == ksys_getppid*/ { n += 1 }
                trace_end { print(n) }
                """;
        HostSession s;
        try {
            s = backend.openCommand(Scripts.compile(script), TraceOptions.defaults(), getppid(10));
        } catch (io.ktap.trace.TraceException e) {
            assertTrue(e.getMessage().startsWith("cannot attach 'ftrace:function': ftrace:function: "), e.getMessage());
            assertTrue(e.getMessage().endsWith("the host backend cannot trace kernel functions here"), e.getMessage());
            return;
        }
        s.close();
        assertEquals("10\n", Scripts.runCommand(backend, script, getppid(10)).printed());
    }

    private void assertOpenFails(String script, String message) {
        io.ktap.trace.TraceException e = org.junit.jupiter.api.Assertions.assertThrows(io.ktap.trace.TraceException.class,
                () -> backend.open(Scripts.compile(script)).close());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static Map<String, Long> parseCounts(String text) {
        Map<String, Long> m = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] kv = line.split(" ");
            m.put(kv[0], Long.parseLong(kv[1]));
        }
        return m;
    }

    private static void release(Process child) throws Exception {
        try (OutputStream in = child.getOutputStream()) {
            in.write('x');
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    }
}
