package io.ktap.examples;

import static io.ktap.api.Ktap.*;

import io.ktap.api.Ktap;
import io.ktap.ast.Program;
import io.ktap.trace.TraceProgram;

/**
 * Scheduler switch counts: how often each process is switched out of a CPU, as a histogram when
 * tracing ends. The script is {@code scripts/sched-switch.kp}.
 */
public final class SchedSwitches {

    private SchedSwitches() {
    }

    /** The program, as {@code sched-switch.kp} reads. */
    public static Program program() {
        return Ktap.program()
                .var("switches", table())
                .trace("sched:sched_switch", h -> h.add(index(name("switches"), execname()), 1))
                .traceEnd(h -> h.histogram(name("switches")))
                .build();
    }

    /** Runs it on this host until Ctrl-C. */
    public static void main(String[] args) {
        System.exit(Runner.run("sched-switch", args, TraceProgram.of(program()), s -> { }));
    }
}
