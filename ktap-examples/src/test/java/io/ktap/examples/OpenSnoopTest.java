package io.ktap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.ast.AstPrinter;
import io.ktap.compiler.KtapCompiler;
import io.ktap.examples.OpenSnoop.OpenEvent;
import io.ktap.sim.KtapSim;
import io.ktap.sim.SimSession;
import io.ktap.sim.SimTask;
import io.ktap.sim.junit.KtapTest;
import io.ktap.sim.junit.Script;
import io.ktap.trace.TraceOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed records tested like any other code: the opensnoop example on the simulated kernel, its
 * records arriving as {@link OpenEvent}s with the values of the events the test fires.
 */
class OpenSnoopTest {

    @KtapTest
    void everyOpenArrivesAsAnOpenEvent(KtapSim sim) {
        sim.kernel().userString(0x7000, "/etc/passwd").userString(0x8000, "/tmp/x");
        SimSession s = sim.open(OpenSnoop.traceProgram(), TraceOptions.defaults());
        List<OpenEvent> opens = new ArrayList<>();
        s.onRecord(OpenEvent.class, opens::add);
        s.startAsync();
        s.fireAs(SimTask.of(42, "cat"), 0, "syscalls:sys_enter_openat", Map.of("dfd", -100, "filename", 0x7000));
        s.fireAs(SimTask.of(7, "vim"), 1, "syscalls:sys_enter_openat", Map.of("dfd", 3, "filename", 0x8000));
        s.fire("syscalls:sys_enter_close");
        assertEquals(List.of(new OpenEvent(42, "cat", "/etc/passwd"), new OpenEvent(7, "vim", "/tmp/x")), opens);
        assertEquals(opens, s.records(OpenEvent.class));
    }

    @KtapTest
    void theScriptFormRunsTheSame(@Script(value = OpenSnoop.SCRIPT, records = OpenEvent.class) SimSession s) {
        s.kernel().userString(0x7000, "/etc/passwd");
        s.fireAs(SimTask.of(42, "cat"), 0, "syscalls:sys_enter_openat", Map.of("filename", 0x7000));
        assertEquals(List.of(new OpenEvent(42, "cat", "/etc/passwd")), s.records(OpenEvent.class));
        assertEquals("OpenEvent{pid=42, comm=cat, path=/etc/passwd}\n", s.text());
    }

    @org.junit.jupiter.api.Test
    void theFluentProgramIsTheScriptsAst() {
        var parsed = KtapCompiler.compile("opensnoop.kp", OpenSnoop.SCRIPT).programOrThrow();
        assertEquals(AstPrinter.print(parsed), AstPrinter.print(OpenSnoop.program()));
        assertEquals(parsed, OpenSnoop.program());
        assertTrue(AstPrinter.print(parsed).contains("emit(\"OpenEvent\", pid(), execname(), user_string(arg3))"));
    }
}
