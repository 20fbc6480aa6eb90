package io.ktap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.examples.ExecSnoop.ExecEvent;
import io.ktap.examples.FunctionTime.Latency;
import io.ktap.examples.OpenSnoop.OpenEvent;
import io.ktap.examples.SyscallAgent.SyscallCount;
import io.ktap.sim.SimKernel;
import io.ktap.sim.SimSession;
import io.ktap.sim.SimTask;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput.Histogram.Row;
import io.ktap.trace.TraceProgram;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every example's Java program on the simulated kernel: the events it traces are fired by the test,
 * the clock is moved by the test, and the output (text, histograms, typed records) is asserted
 * exactly. {@link ScriptsAndJavaProgramsTest} shows each script is the same program.
 */
class ExamplesOnSimTest {

    private final SimKernel kernel = new SimKernel();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String written() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static TraceOptions args(String name, String... args) {
        return TraceOptions.defaults().scriptArgs(name, List.of(args));
    }

    @Nested
    class SyscallsHistogramTest {
        @Test
        void countsSyscallsByNameForTheSecondsGiven() {
            try (SimSession s = kernel.open(TraceProgram.of(SyscallsHistogram.program()), args("syscalls-hist", "1"))) {
                s.startAsync();
                s.fire("syscalls:sys_enter_close");
                s.fire("syscalls:sys_enter_read");
                s.fire("syscalls:sys_enter_read");
                s.fire("syscalls:sys_exit_read");
                s.advance(Duration.ofSeconds(1));
                assertTrue(s.hasEnded(), "exit() after the one second asked for");
                assertEquals(List.of(new Row("sys_enter_read", 2, 25), new Row("sys_enter_close", 1, 12)),
                        s.histograms().get(0).rows());
            }
        }
    }

    @Nested
    class SyscallsByProcessTest {
        @Test
        void ranksProcessesBySyscalls() {
            kernel.defineFormat("raw_syscalls", SyscallsHistogramScriptTest.RAW_SYS_ENTER_FORMAT);
            SimTask bash = SimTask.of(100, "bash");
            SimTask sshd = SimTask.of(200, "sshd");
            try (SimSession s = kernel.open(TraceProgram.of(SyscallsByProcess.program()))) {
                s.startAsync();
                s.fireAs(bash, 0, "raw_syscalls:sys_enter", Map.of());
                for (int i = 0; i < 3; i++) {
                    s.fireAs(sshd, 1, "raw_syscalls:sys_enter", Map.of());
                }
                s.close();
                assertEquals(List.of(new Row("sshd", 3, 28), new Row("bash", 1, 9)), s.histograms().get(0).rows());
            }
        }
    }

    @Nested
    class OpenSnoopTest {
        @Test
        void reportsEachOpenAtItsReturnWithThePathFromItsEntry() {
            kernel.userString(0x7000, "/etc/passwd").userString(0x7100, "/nonexistent");
            SimTask cat = SimTask.of(42, "cat");
            SimTask ls = SimTask.of(43, "ls");
            try (SimSession s = kernel.open(OpenSnoop.traceProgram())) {
                OpenSnoop.printTo(s, out);
                s.startAsync();
                s.fireAs(ls, 0, "syscalls:sys_exit_openat", Map.of("ret", 5));   // entered before tracing: not reported
                s.fireAs(cat, 0, "syscalls:sys_enter_openat", Map.of("dfd", -100, "filename", 0x7000));
                s.fireAs(ls, 1, "syscalls:sys_enter_openat", Map.of("dfd", -100, "filename", 0x7100));
                s.fireAs(ls, 1, "syscalls:sys_exit_openat", Map.of("ret", -2));
                s.fireAs(cat, 0, "syscalls:sys_exit_openat", Map.of("ret", 3));
                assertEquals(List.of(new OpenEvent(43, "ls", -2, "/nonexistent"), new OpenEvent(42, "cat", 3, "/etc/passwd")),
                        s.records(OpenEvent.class));
                assertEquals("""
                        PID     COMM               FD PATH
                        43      ls                 -2 /nonexistent
                        42      cat                 3 /etc/passwd
                        """, written());
                assertEquals(Map.of(), s.table("paths"), "nothing is left behind once the calls return");
            }
        }
    }

    @Nested
    class ExecSnoopTest {
        @Test
        void reportsEachExec() {
            try (SimSession s = kernel.open(ExecSnoop.traceProgram())) {
                ExecSnoop.printTo(s, out);
                s.startAsync();
                s.fireAs(SimTask.of(77, "ls"), 0, "sched:sched_process_exec",
                        Map.of("filename", "/usr/bin/ls", "pid", 77, "old_pid", 77));
                s.fireAs(SimTask.of(78, "make"), 1, "sched:sched_process_exec",
                        Map.of("filename", "/usr/bin/make", "pid", 78, "old_pid", 78));
                assertEquals(List.of(new ExecEvent(77, "ls", "/usr/bin/ls"), new ExecEvent(78, "make", "/usr/bin/make")),
                        s.records(ExecEvent.class));
                assertEquals("""
                        PID     COMM             FILENAME
                        77      ls               /usr/bin/ls
                        78      make             /usr/bin/make
                        """, written());
            }
        }
    }

    @Nested
    class SchedSwitchesTest {
        @Test
        void countsSwitchesOutByProcess() {
            SimTask cc1 = SimTask.of(300, "cc1");
            SimTask bash = SimTask.of(7, "bash");
            try (SimSession s = kernel.open(TraceProgram.of(SchedSwitches.program()))) {
                s.startAsync();
                s.fireAs(bash, 0, "sched:sched_switch", Map.of("prev_comm", "bash", "prev_pid", 7, "next_comm", "cc1"));
                s.fireAs(cc1, 0, "sched:sched_switch", Map.of("prev_comm", "cc1", "prev_pid", 300, "next_comm", "bash"));
                s.fireAs(bash, 0, "sched:sched_switch", Map.of("prev_comm", "bash", "prev_pid", 7, "next_comm", "cc1"));
                s.close();
                assertEquals(List.of(new Row("bash", 2, 25), new Row("cc1", 1, 12)), s.histograms().get(0).rows());
            }
        }
    }

    @Nested
    class FunctionTimeTest {
        @Test
        void timesEachCallFromEntryToReturnPerThread() {
            SimTask curl1 = SimTask.of(10, "curl").thread(11);
            SimTask curl2 = SimTask.of(10, "curl").thread(12);
            try (SimSession s = kernel.open(FunctionTime.traceProgram())) {
                FunctionTime.printTo(s, out);
                s.startAsync();
                s.fireAs(curl2, 1, "uprobes:getaddrinfo__return", Map.of());   // entered before tracing
                s.fireAs(curl1, 0, "uprobes:getaddrinfo", Map.of());
                s.advance(Duration.ofMillis(2));
                s.fireAs(curl2, 1, "uprobes:getaddrinfo", Map.of());
                s.advance(Duration.ofMillis(3));
                s.fireAs(curl1, 0, "uprobes:getaddrinfo__return", Map.of());   // 5 ms after its entry
                s.advance(Duration.ofNanos(250_000));
                s.fireAs(curl2, 1, "uprobes:getaddrinfo__return", Map.of());   // 3.25 ms after its entry
                assertEquals(List.of(new Latency(10, "curl", 5000), new Latency(10, "curl", 3250)),
                        s.records(Latency.class));
                assertEquals("""
                        10      curl                 5000 us
                        10      curl                 3250 us
                        """, written());
            }
        }
    }

    @Nested
    class MallocHistogramTest {
        @Test
        void countsSizesInPowerOfTwoBuckets() {
            try (SimSession s = kernel.open(TraceProgram.of(MallocHistogram.program()))) {
                s.startAsync();
                for (long size : new long[] {24, 100, 128, 1, 129, 4000}) {
                    s.fire("uprobes:malloc", Map.of("size", size));
                }
                s.close();
                assertEquals(Map.of(32L, 1L, 128L, 2L, 1L, 1L, 256L, 1L, 4096L, 1L), s.table("sizes"));
                assertEquals(List.of(new Row("128", 2, 12), new Row("32", 1, 6), new Row("1", 1, 6),
                        new Row("256", 1, 6), new Row("4096", 1, 6)), s.histograms().get(0).rows());
            }
        }
    }

    @Nested
    class ProfileTest {
        @Test
        void samplesEveryCpuEvery10msForTheSecondsGiven() {
            kernel.cpus(2).current(SimTask.of(500, "java"), 0);
            try (SimSession s = kernel.open(TraceProgram.of(Profile.program()), args("profile", "1"))) {
                s.startAsync();
                s.advance(Duration.ofMillis(500));
                assertEquals(Map.of("java", 100L), s.table("samples"), "50 samples on each of 2 CPUs");
                s.advance(Duration.ofMillis(500));
                assertTrue(s.hasEnded());
                assertEquals(List.of(new Row("java", 200, 38)), s.histograms().get(0).rows());
            }
        }
    }

    @Nested
    class SyscallAgentTest {
        @Test
        void exportsEachSecondsCountsAsJsonLines() {
            try (SimSession s = kernel.open(SyscallAgent.traceProgram())) {
                SyscallAgent.exportTo(s, out);
                s.startAsync();
                s.fire("syscalls:sys_enter_read");
                s.fire("syscalls:sys_enter_write");
                s.fire("syscalls:sys_enter_read");
                s.advance(Duration.ofSeconds(1));
                s.fire("syscalls:sys_enter_close");
                s.advance(Duration.ofSeconds(1));
                s.advance(Duration.ofSeconds(1));                    // a quiet second exports nothing
                assertEquals(List.of(new SyscallCount(1, "sys_enter_read", 2), new SyscallCount(1, "sys_enter_write", 1),
                        new SyscallCount(2, "sys_enter_close", 1)), s.records(SyscallCount.class));
                assertEquals("""
                        {"interval":1,"syscall":"sys_enter_read","count":2}
                        {"interval":1,"syscall":"sys_enter_write","count":1}
                        {"interval":2,"syscall":"sys_enter_close","count":1}
                        """, written());
            }
        }
    }
}
