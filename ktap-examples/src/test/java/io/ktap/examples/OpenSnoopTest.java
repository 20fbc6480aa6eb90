package io.ktap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ktap.examples.OpenSnoop.OpenEvent;
import io.ktap.sim.KtapSim;
import io.ktap.sim.SimSession;
import io.ktap.sim.SimTask;
import io.ktap.sim.junit.KtapTest;
import io.ktap.trace.TraceOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed records tested like any other code, with the {@code @KtapTest} extension: the opensnoop
 * example on the simulated kernel, its records arriving as {@link OpenEvent}s with the values of
 * the events the test fires.
 */
class OpenSnoopTest {

    @KtapTest
    void everyOpenArrivesAsAnOpenEventAtItsExit(KtapSim sim) {
        sim.kernel().userString(0x7000, "/etc/passwd").userString(0x8000, "/tmp/x");
        SimSession s = sim.open(OpenSnoop.traceProgram(), TraceOptions.defaults());
        List<OpenEvent> opens = new ArrayList<>();
        s.onRecord(OpenEvent.class, opens::add);
        s.startAsync();
        SimTask cat = SimTask.of(42, "cat");
        SimTask vim = SimTask.of(7, "vim");
        s.fireAs(cat, 0, "syscalls:sys_enter_openat", Map.of("dfd", -100, "filename", 0x7000));
        s.fireAs(vim, 1, "syscalls:sys_enter_openat", Map.of("dfd", 3, "filename", 0x8000));
        s.fireAs(vim, 1, "syscalls:sys_exit_openat", Map.of("ret", -2));
        s.fireAs(cat, 0, "syscalls:sys_exit_openat", Map.of("ret", 3));
        s.fireAs(cat, 0, "syscalls:sys_exit_openat", Map.of("ret", 4));
        assertEquals(List.of(new OpenEvent(7, "vim", -2, "/tmp/x"), new OpenEvent(42, "cat", 3, "/etc/passwd")), opens,
                "an exit without its entry (the last one) reports nothing");
        assertEquals(opens, s.records(OpenEvent.class));
    }
}
