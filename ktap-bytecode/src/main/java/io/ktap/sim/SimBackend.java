package io.ktap.sim;

import io.ktap.bytecode.Chunk;
import io.ktap.trace.TraceBackend;
import io.ktap.trace.TraceException;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceProgram;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code sim} backend: programs run on the Java VM over a {@link SimKernel}, deterministic and
 * always available. {@link io.ktap.trace.Backends#sim()} gives one with a fresh kernel per session;
 * {@code new SimBackend(kernel)} shares a configured kernel.
 */
public final class SimBackend implements TraceBackend {

    private final SimKernel kernel;
    private final Consumer<SimSession> workload;

    /** A backend that gives every session a fresh default {@link SimKernel}. */
    public SimBackend() {
        this(null, null);
    }

    /** A backend whose sessions run on {@code kernel}. */
    public SimBackend(SimKernel kernel) {
        this(Objects.requireNonNull(kernel, "kernel"), null);
    }

    private SimBackend(SimKernel kernel, Consumer<SimSession> workload) {
        this.kernel = kernel;
        this.workload = workload;
    }

    /**
     * A backend whose {@link SimSession#start()} runs {@code workload} between the main chunk and
     * the end blocks: the events a blocking {@code start()} traces.
     */
    public SimBackend withWorkload(Consumer<SimSession> newWorkload) {
        return new SimBackend(kernel, newWorkload);
    }

    @Override
    public String name() {
        return "sim";
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return Optional.empty();
    }

    @Override
    public SimSession open(TraceProgram program, TraceOptions options) {
        return open(ChunkLoader.load(program, options), options);
    }

    @Override
    public SimSession open(TraceProgram program) {
        return open(program, TraceOptions.defaults());
    }

    /** Opens a session of an already generated chunk; the chunk's limits are replaced by the options'. */
    public SimSession open(Chunk chunk, TraceOptions options) {
        if (options.hasCommand()) {
            throw new TraceException("the simulated kernel runs no real process, so it cannot trace the command "
                    + options.command().get(0) + " (use --backend host or kernel)");
        }
        Chunk limited = chunk.withLimits(ChunkLoader.limits(options.limits()));
        return new SimSession(kernel != null ? kernel : new SimKernel(), ChunkLoader.verify(limited), options, workload);
    }
}
