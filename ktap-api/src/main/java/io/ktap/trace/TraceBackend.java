package io.ktap.trace;

import java.util.Optional;

/**
 * Where ktap programs run: the ktapvm kernel module ({@code kernel}), the host's own perf rings
 * feeding the Java VM ({@code host}), or the simulated kernel ({@code sim}). Obtain one through
 * {@link Backends}; implement one by shipping a {@link TraceBackendProvider}.
 *
 * <p>Availability is probed once and reported as data: {@link #isAvailable()} and
 * {@link #unavailabilityCause()}, never as a stray linkage error.
 *
 * <pre>{@code
 * TraceBackend backend = Backends.auto();
 * try (TraceSession session = backend.open(TraceProgram.of(program), TraceOptions.defaults().pid(1234))) {
 *     session.onPrint(System.out::print);
 *     session.start();
 * }
 * }</pre>
 */
public interface TraceBackend {

    /** The backend's short name, as the command line spells it: {@code kernel}, {@code host}, {@code sim}. */
    String name();

    /** Whether sessions can be opened here (module loaded, permissions, tracefs, class path...). */
    boolean isAvailable();

    /** Why this backend cannot run here, or empty when it can. */
    Optional<String> unavailabilityCause();

    /**
     * Loads {@code program} with {@code options} and returns a session that has not started yet.
     * Register callbacks on it, then {@link TraceSession#start() start} it.
     *
     * @throws TraceException when the backend is unavailable, the program cannot be loaded (it does
     *                        not verify, a probe cannot be resolved) or the options are not supported
     */
    TraceSession open(TraceProgram program, TraceOptions options);

    /** {@link #open(TraceProgram, TraceOptions)} with {@link TraceOptions#defaults()}. */
    default TraceSession open(TraceProgram program) {
        return open(program, TraceOptions.defaults());
    }
}
