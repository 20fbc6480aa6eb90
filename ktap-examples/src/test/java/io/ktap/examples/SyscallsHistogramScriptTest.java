package io.ktap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.ast.Program;
import io.ktap.compiler.KtapCompiler;
import io.ktap.sim.SimKernel;
import io.ktap.sim.SimSession;
import io.ktap.sim.SimTask;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import io.ktap.trace.TraceProgram;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A trace definition tested like any other code: the README's syscall histogram script, run on
 * the simulated kernel with events the test fires and a clock the test moves.
 */
class SyscallsHistogramScriptTest {

    /** /sys/kernel/tracing/events/raw_syscalls/sys_enter/format of a 6.x kernel. */
    static final String RAW_SYS_ENTER_FORMAT = """
            name: sys_enter
            ID: 443
            format:
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

            \tfield:long id;\toffset:8;\tsize:8;\tsigned:1;
            \tfield:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;

            print fmt: "NR %ld (%lx, %lx, %lx, %lx, %lx, %lx)", REC->id, REC->args[0], REC->args[1], \
            REC->args[2], REC->args[3], REC->args[4], REC->args[5]
            """;

    private static Program script(String name) throws IOException {
        return KtapCompiler.compile(Path.of("scripts", name)).programOrThrow();
    }

    @Test
    void countsSyscallsByNameUntilItsTimeIsUp() throws IOException {
        SimKernel kernel = new SimKernel();
        TraceOptions options = TraceOptions.defaults().scriptArgs("syscalls-hist.kp", List.of("2"));
        try (SimSession session = kernel.open(TraceProgram.of(script("syscalls-hist.kp")), options)) {
            session.startAsync();
            session.fire("syscalls:sys_enter_read");
            session.fire("syscalls:sys_enter_read");
            session.fire("syscalls:sys_enter_read");
            session.fire("syscalls:sys_enter_write");
            session.fire("syscalls:sys_exit_read");            // not a sys_enter_* event: not counted

            session.advance(Duration.ofSeconds(1));
            assertTrue(session.histograms().isEmpty(), "still tracing after one of its two seconds");
            session.advance(Duration.ofSeconds(1));             // tick-1s: elapsed >= 2, exit()
            assertTrue(session.hasEnded());
            assertEquals(0, session.fire("syscalls:sys_enter_read"), "nothing is traced after exit()");

            assertEquals(List.of(new TraceOutput.Histogram.Row("sys_enter_read", 3, 28),
                    new TraceOutput.Histogram.Row("sys_enter_write", 1, 9)), session.histograms().get(0).rows());
            assertEquals("""
                                              value ------------- Distribution ------------- count
                                     sys_enter_read |@@@@@@@@@@@@@@@@@@@@@@@@@@@@          | 3
                                    sys_enter_write |@@@@@@@@@                             | 1
                    """, session.printed());
        }
    }

    @Test
    void countsSystemCallsByProcessName() throws IOException {
        // Any event can be described by its tracefs format file, as the kernel prints it.
        SimKernel kernel = new SimKernel();
        kernel.defineFormat("raw_syscalls", RAW_SYS_ENTER_FORMAT);
        SimTask bash = SimTask.of(100, "bash");
        SimTask sshd = SimTask.of(200, "sshd");
        try (SimSession session = kernel.open(script("syscalls-by-process.kp"))) {
            session.startAsync();
            session.fireAs(bash, 0, "raw_syscalls:sys_enter", Map.of());
            session.fireAs(sshd, 1, "raw_syscalls:sys_enter", Map.of());
            session.fireAs(sshd, 1, "raw_syscalls:sys_enter", Map.of());
            session.close();
            assertEquals(Map.of("sshd", 2L, "bash", 1L), session.table("calls"));
        }
    }
}
