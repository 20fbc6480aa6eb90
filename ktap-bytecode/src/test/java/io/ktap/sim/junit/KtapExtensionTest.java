package io.ktap.sim.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.ast.Block;
import io.ktap.ast.Expr;
import io.ktap.ast.Probe;
import io.ktap.ast.Program;
import io.ktap.ast.Span;
import io.ktap.ast.Stmt;
import io.ktap.sim.KtapSim;
import io.ktap.sim.SimKernel;
import io.ktap.sim.SimSession;
import io.ktap.sim.SimTask;
import io.ktap.trace.ScriptException;
import io.ktap.trace.TraceOutput;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.constraints.IntRange;

/** How a user tests a tracer: the extension supplies the simulated kernel; the test fires events and asserts. */
class KtapExtensionTest {

    @KtapTest
    void countsSyscallsPerProcess(@Script(resource = "/scripts/syscount.kp", args = "2") SimSession s) {
        s.fireAs(SimTask.of(42, "cat"), 0, "syscalls:sys_enter_openat", Map.of());
        s.fireAs(SimTask.of(42, "cat"), 0, "syscalls:sys_enter_read", Map.of());
        s.fireAs(SimTask.of(42, "cat"), 1, "syscalls:sys_enter_read", Map.of());
        s.fireAs(SimTask.of(7, "sshd"), 1, "syscalls:sys_enter_write", Map.of());
        assertEquals(Map.of("cat:sys_enter_openat", 1L, "cat:sys_enter_read", 2L, "sshd:sys_enter_write", 1L),
                s.table("counts"));
        s.close();
        TraceOutput.Histogram h = s.histograms().get(0);
        assertEquals(List.of("cat:sys_enter_read", "cat:sys_enter_openat"), h.rows().stream()
                .map(TraceOutput.Histogram.Row::key).toList());
        assertEquals(1, h.omitted());
    }

    @KtapTest(cpus = 4)
    void profilesEveryCpu(KtapSim sim, SimKernel kernel) {
        assertEquals(4, kernel.numCpus());
        SimSession s = sim.load("var hits = {}\nprofile-10ms { hits[cpu()] += 1 }");
        s.advance(Duration.ofMillis(100));
        assertEquals(Map.of(0L, 10L, 1L, 10L, 2L, 10L, 3L, 10L), s.table("hits"));
    }

    @KtapTest
    void runsProgramsBuiltWithTheApi(KtapSim sim) {
        // print(argname) on every sched_switch, as the fluent API builds it.
        Program p = new Program(Span.NONE, Block.of(new Stmt.Trace(Span.NONE,
                List.of(new Probe.Tracepoint(Span.NONE, "sched", "sched_switch")), null,
                Block.of(new Stmt.ExprStmt(Span.NONE, new Expr.Call(Span.NONE, new Expr.Name(Span.NONE, "print"),
                        List.of(new Expr.EventVar(Span.NONE, Expr.EventVar.Kind.ARGNAME))))))));
        SimSession s = sim.load(p);
        s.fire("sched:sched_switch");
        assertEquals("sched_switch\n", s.printed());
    }

    @KtapTest
    void reportsCompileErrorsAsDiagnostics(KtapSim sim) {
        ScriptException e = assertThrows(ScriptException.class, () -> sim.load("print(undeclared)"));
        assertTrue(e.diagnostics().get(0).message().contains("undeclared"), e.getMessage());
    }

    @KtapTest
    void theEndBlockRunsWhenTheTestEnds(KtapSim sim) {
        SimSession s = sim.load("trace_end { print(\"bye\") }");
        assertEquals("", s.printed());
        sim.close();
        assertEquals("bye\n", s.printed());
    }

    @KtapProperty
    void countsEveryRead(@ForAll @IntRange(max = 50) int reads,
            @Script("var n = 0\ntrace syscalls:sys_enter_read { n += 1 }") SimSession s) {
        for (int i = 0; i < reads; i++) {
            s.fire("syscalls:sys_enter_read");
        }
        assertEquals((long) reads, s.global("n"));
    }

    @KtapProperty
    void everyTryGetsAFreshKernel(@ForAll @IntRange(min = 1, max = 5) int seconds, SimKernel kernel) {
        assertEquals(SimKernel.START_NANOS, kernel.now());
        kernel.tick(Duration.ofSeconds(seconds));
    }
}
