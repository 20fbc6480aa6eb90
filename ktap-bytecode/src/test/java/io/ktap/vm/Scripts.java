package io.ktap.vm;

import io.ktap.compiler.KtapCompiler;
import io.ktap.sim.SimBackend;
import io.ktap.sim.SimKernel;
import io.ktap.sim.SimSession;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceProgram;

/** Test helpers: compile script text and run it on the simulated kernel. */
public final class Scripts {

    private Scripts() {
    }

    public static TraceProgram program(String text) {
        return TraceProgram.of(KtapCompiler.compile("t.kp", text).programOrThrow());
    }

    /** Opens and starts {@code text} on a fresh kernel (main chunk run, probes attached). */
    public static SimSession start(String text) {
        return start(new SimKernel(), text, TraceOptions.defaults());
    }

    public static SimSession start(SimKernel kernel, String text, TraceOptions options) {
        SimSession s = new SimBackend(kernel).open(program(text), options);
        s.startAsync();
        return s;
    }

    /** Runs {@code text} to the end (main chunk, then end blocks) and returns everything it printed, errors included. */
    public static String run(String text) {
        return run(text, TraceOptions.defaults());
    }

    public static String run(String text, TraceOptions options) {
        SimSession s = new SimBackend(new SimKernel()).open(program(text), options);
        s.start();
        return s.text();
    }
}
