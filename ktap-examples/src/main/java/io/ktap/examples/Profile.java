package io.ktap.examples;

import static io.ktap.api.Ktap.*;

import io.ktap.api.Ktap;
import io.ktap.ast.Program;
import io.ktap.trace.TraceProgram;
import java.time.Duration;

/**
 * A profile-N sampler: every 10 ms on every CPU, counts the process that was running; after the
 * number of seconds given as the first argument (5 by default) prints the counts as a histogram.
 * The script is {@code scripts/profile.kp}.
 */
public final class Profile {

    private Profile() {
    }

    /** The program, as {@code profile.kp} reads. */
    public static Program program() {
        return Ktap.program()
                .var("samples", table())
                .var("seconds", or(index(name("arg"), 1), 5))
                .var("elapsed", 0)
                .profile(Duration.ofMillis(10), h -> h.add(index(name("samples"), execname()), 1))
                .tick(Duration.ofSeconds(1), h -> h
                        .add(name("elapsed"), 1)
                        .when(ge(name("elapsed"), name("seconds")), b -> b.exit()))
                .traceEnd(h -> h.histogram(name("samples")))
                .build();
    }

    /** Runs it on this host: {@code Profile [seconds]}. */
    public static void main(String[] args) {
        System.exit(Runner.run("profile", args, TraceProgram.of(program()), s -> { }));
    }
}
