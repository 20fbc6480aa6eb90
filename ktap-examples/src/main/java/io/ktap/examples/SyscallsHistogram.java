package io.ktap.examples;

import static io.ktap.api.Ktap.*;

import io.ktap.api.Ktap;
import io.ktap.ast.Program;
import io.ktap.trace.TraceProgram;
import java.time.Duration;

/**
 * Syscall counts and histogram: counts system calls by name, and after the number of seconds given
 * as the first argument (5 by default) prints them as a histogram. The script is
 * {@code scripts/syscalls-hist.kp}.
 */
public final class SyscallsHistogram {

    private SyscallsHistogram() {
    }

    /** The program, as {@code syscalls-hist.kp} reads. */
    public static Program program() {
        return Ktap.program()
                .var("s", table())
                .var("seconds", or(index(name("arg"), 1), 5))
                .var("elapsed", 0)
                .trace("syscalls:sys_enter_*", h -> h.add(index(name("s"), argname()), 1))
                .tick(Duration.ofSeconds(1), h -> h
                        .add(name("elapsed"), 1)
                        .when(ge(name("elapsed"), name("seconds")), b -> b.exit()))
                .traceEnd(h -> h.histogram(name("s")))
                .build();
    }

    /** Runs it on this host: {@code SyscallsHistogram [seconds]}. */
    public static void main(String[] args) {
        System.exit(Runner.run("syscalls-hist", args, TraceProgram.of(program()), s -> { }));
    }
}
