package io.ktap.host;

import io.ktap.bytecode.Chunk;
import io.ktap.sim.ChunkLoader;
import io.ktap.trace.TraceBackend;
import io.ktap.trace.TraceException;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceProgram;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code host} backend: traces this machine without the ktapvm module. The kernel's own perf
 * events (tracepoints and syscalls, uprobes, kprobes where the kernel has them, CPU-clock
 * sampling) write their samples into per-CPU rings that a {@link HostTracer} reads; the program's
 * handlers run in the Java VM on one delivery thread. Needs root (or CAP_PERFMON) and tracefs.
 *
 * <pre>{@code
 * TraceBackend host = Backends.host();
 * try (TraceSession s = host.open(TraceProgram.of(program), TraceOptions.defaults().pid(pid))) {
 *     s.onPrint(System.out::print);
 *     s.start();                     // until exit(), an error, the process's exit, or close()
 * }
 * // a command started and traced from its exec on (the command line's "-- CMD"):
 * try (HostSession s = new HostBackend().openCommand(TraceProgram.of(program), TraceOptions.defaults(),
 *         new ProcessBuilder("./workload").inheritIO())) {
 *     s.onPrint(System.out::print);
 *     s.start();                     // until the command (and its children) exit
 * }
 * }</pre>
 *
 * <p>{@link TraceOptions#pid()} traces one process (its threads and the children it forks), else
 * every process but ktap's own; {@link TraceOptions#cpu()} restricts tracing to one CPU.
 */
public final class HostBackend implements TraceBackend {

    /**
     * Ring pages per CPU unless set: 512 KiB with 4 KiB pages, as {@code perf record} maps. A burst
     * of samples larger than a ring before the consumer drains it is lost (and counted).
     */
    public static final int DEFAULT_RING_PAGES = 128;

    /** How long the delivery thread sleeps at most when the rings are quiet. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(10);

    private final int ringPages;
    private final Duration pollInterval;

    /** A backend with {@link #DEFAULT_RING_PAGES} per CPU and {@link #DEFAULT_POLL_INTERVAL}. */
    public HostBackend() {
        this(DEFAULT_RING_PAGES, DEFAULT_POLL_INTERVAL);
    }

    private HostBackend(int ringPages, Duration pollInterval) {
        this.ringPages = ringPages;
        this.pollInterval = pollInterval;
    }

    /** A backend whose sessions map {@code pages} data pages (a power of two) per CPU ring. */
    public HostBackend withRingPages(int pages) {
        if (pages < 1 || Integer.bitCount(pages) != 1) {
            throw new IllegalArgumentException("ring pages must be a power of two >= 1: " + pages);
        }
        return new HostBackend(pages, pollInterval);
    }

    /**
     * A backend whose delivery thread waits at most {@code interval} for samples below the rings'
     * wakeup watermark: the longest a quiet trace's output is delayed.
     */
    public HostBackend withPollInterval(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the poll interval must be positive: " + interval);
        }
        return new HostBackend(ringPages, interval);
    }

    @Override
    public String name() {
        return "host";
    }

    @Override
    public boolean isAvailable() {
        return HostSupport.isAvailable();
    }

    @Override
    public Optional<String> unavailabilityCause() {
        HostException cause = HostSupport.unavailabilityCause();
        return cause == null ? Optional.empty() : Optional.of(cause.getMessage());
    }

    /**
     * Loads {@code program} and attaches its probes (disabled until the session starts).
     *
     * @throws TraceException when the backend is unavailable, the program does not load, or a probe
     *                        cannot be resolved or attached (the message says which and why)
     */
    @Override
    public HostSession open(TraceProgram program, TraceOptions options) {
        HostOptions target;
        if (options.hasCommand()) {
            target = HostOptions.command(new ProcessBuilder(options.command()).inheritIO());
        } else if (options.pid().isPresent()) {
            target = HostOptions.process(requirePid(options));
        } else {
            target = HostOptions.systemWide();
        }
        return open(program, options, target);
    }

    @Override
    public HostSession open(TraceProgram program) {
        return open(program, TraceOptions.defaults());
    }

    /**
     * Starts {@code command} held before its exec and loads {@code program} to trace it (and the
     * children it forks) from that exec on; the session ends when they have all exited. The
     * command runs when the session starts; it is killed if the session closes before.
     * {@link TraceOptions#pid()} and {@link TraceOptions#command()} must be empty: this is the
     * form of {@code TraceOptions.command(argv)} for a command that needs its own environment,
     * directory or redirections.
     */
    public HostSession openCommand(TraceProgram program, TraceOptions options, ProcessBuilder command) {
        Objects.requireNonNull(command, "command");
        if (options.pid().isPresent() || options.hasCommand()) {
            throw new IllegalArgumentException("a command cannot be traced together with a pid or another command");
        }
        return open(program, options, HostOptions.command(command));
    }

    private HostSession open(TraceProgram program, TraceOptions options, HostOptions target) {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(options, "options");
        if (!isAvailable()) {
            throw new TraceException("backend host is unavailable: " + unavailabilityCause().orElse("?"));
        }
        Chunk chunk = ChunkLoader.load(program, options);
        HostOptions o = target.ringPages(ringPages);
        if (options.cpu().isPresent()) {
            o = o.onCpu(options.cpu().getAsInt());
        }
        return new HostSession(chunk, options, o, pollInterval);
    }

    private static int requirePid(TraceOptions options) {
        int pid = options.pid().getAsInt();
        if (pid == 0) {
            throw new TraceException("pid 0 is the idle task, not a process that can be traced");
        }
        return pid;
    }

    @Override
    public String toString() {
        return "HostBackend[ringPages=" + ringPages + ", pollInterval=" + pollInterval + "]";
    }
}
