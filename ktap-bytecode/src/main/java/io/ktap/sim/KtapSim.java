package io.ktap.sim;

import io.ktap.ast.Program;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A test fixture: a {@link SimKernel} and the sessions a test loads on it, closed together. The
 * JUnit extension ({@link io.ktap.sim.junit.KtapTest}) and the jqwik hook
 * ({@link io.ktap.sim.junit.KtapProperty}) inject one per test or try.
 *
 * <pre>{@code
 * @KtapTest
 * void countsReads(KtapSim sim) {
 *     SimSession s = sim.load("var n = 0\ntrace syscalls:sys_enter_read { n += 1 }");
 *     s.fire("syscalls:sys_enter_read");
 *     assertEquals(1L, s.global("n"));
 * }
 * }</pre>
 */
public final class KtapSim implements AutoCloseable {

    private final SimKernel kernel;
    private final List<SimSession> sessions = new ArrayList<>();

    public KtapSim() {
        this(new SimKernel());
    }

    public KtapSim(SimKernel kernel) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
    }

    public SimKernel kernel() {
        return kernel;
    }

    /**
     * Compiles {@code script} (with the {@link io.ktap.trace.ScriptCompiler} on the class path),
     * loads it and starts it: the main chunk has run, the probes are attached.
     */
    public SimSession load(String script) {
        return load(script, TraceOptions.defaults());
    }

    public SimSession load(String script, TraceOptions options) {
        String name = options.scriptName().isEmpty() ? "test.kp" : options.scriptName();
        return load(TraceProgram.compile(name, script), options);
    }

    /** Loads and starts a program built with the fluent API (or parsed elsewhere). */
    public SimSession load(Program program) {
        return load(TraceProgram.of(program), TraceOptions.defaults());
    }

    public SimSession load(Program program, TraceOptions options) {
        return load(TraceProgram.of(program), options);
    }

    /** Loads and starts {@code program}. */
    public SimSession load(TraceProgram program, TraceOptions options) {
        SimSession s = open(program, options);
        s.startAsync();
        return s;
    }

    /** Loads {@code program} without starting it, to register callbacks first. */
    public SimSession open(TraceProgram program, TraceOptions options) {
        SimSession s = new SimBackend(kernel).open(program, options);
        sessions.add(s);
        return s;
    }

    /** Closes every session loaded here (their end blocks run). */
    @Override
    public void close() {
        for (SimSession s : sessions) {
            s.close();
        }
        sessions.clear();
    }
}
