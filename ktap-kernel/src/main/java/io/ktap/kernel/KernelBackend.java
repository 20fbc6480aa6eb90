package io.ktap.kernel;

import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.Verifier;
import io.ktap.host.HostException;
import io.ktap.host.internal.CommandLauncher;
import io.ktap.sim.ChunkLoader;
import io.ktap.trace.TraceBackend;
import io.ktap.trace.TraceException;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceProgram;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code kernel} backend: programs run in ktapvm.ko. The chunk is generated and verified here
 * (and verified again by the module, which trusts nothing), probes are resolved in userspace, the
 * module attaches and runs the handlers, and records come back through its per-CPU rings.
 *
 * <pre>{@code
 * try (TraceSession s = Backends.kernel().open(TraceProgram.of(program), TraceOptions.defaults().pid(pid))) {
 *     s.onPrint(System.out::print);
 *     s.start();   // until exit(), an error, or close() from another thread
 * }
 * }</pre>
 */
public final class KernelBackend implements TraceBackend {

    private final int ringBytes;

    /** Rings of 1 MiB per CPU. */
    public KernelBackend() {
        this(0);
    }

    /**
     * @param ringBytes data bytes of each per-CPU ring, a power of two from 4096 to 64 MiB (0: 1 MiB)
     */
    public KernelBackend(int ringBytes) {
        if (ringBytes != 0 && (Integer.bitCount(ringBytes) != 1 || ringBytes < 4096 || ringBytes > (64 << 20))) {
            throw new IllegalArgumentException("ring size must be a power of two in 4096..64 MiB: " + ringBytes);
        }
        this.ringBytes = ringBytes;
    }

    @Override
    public String name() {
        return "kernel";
    }

    @Override
    public boolean isAvailable() {
        return KernelSupport.isAvailable();
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return KernelSupport.unavailabilityCause();
    }

    @Override
    public KernelSession open(TraceProgram program, TraceOptions options) {
        return open(program, options, false);
    }

    /**
     * Like {@link #open(TraceProgram, TraceOptions)}; with {@code enableOnExec}, the events of
     * {@code options.pid()} stay off until that process calls {@code execve}: for a command held at a
     * gate until tracing starts ({@code ktap -- CMD}), so that the gate's own work is never traced.
     */
    public KernelSession open(TraceProgram program, TraceOptions options, boolean enableOnExec) {
        if (!isAvailable()) {
            throw new TraceException("backend kernel is unavailable: " + unavailabilityCause().orElse("?"));
        }
        if (options.limits().hasUnlimited()) {
            throw new TraceException("the kernel backend refuses unlimited (0) limits: " + options.limits());
        }
        if (enableOnExec && options.pid().isEmpty()) {
            throw new IllegalArgumentException("enable-on-exec needs a pid (a command is always traced from its exec)");
        }
        Chunk chunk = ChunkLoader.load(program, options);
        List<Verifier.Error> errors = Verifier.verify(chunk, Verifier.Policy.KERNEL);
        if (!errors.isEmpty()) {
            throw new TraceException("the chunk does not verify for the kernel:\n" + errors.stream()
                    .map(Verifier.Error::toString).collect(Collectors.joining("\n")));
        }
        if (!options.hasCommand()) {
            return new KernelSession(chunk, options, ringBytes, enableOnExec, null);
        }
        // -- CMD: the command waits at a barrier before its exec; its events are enabled on that
        // exec, so none of the barrier's own work is traced, and the session ends with the command.
        CommandLauncher command;
        try {
            command = CommandLauncher.start(new ProcessBuilder(options.command()).inheritIO());
        } catch (HostException e) {
            throw new TraceException(e.getMessage(), e);
        }
        try {
            return new KernelSession(chunk, options, ringBytes, true, command);
        } catch (RuntimeException e) {
            command.close();
            throw e;
        }
    }
}
