package io.ktap.trace;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * One loaded program, running on one backend. It reads like JFR's {@code RecordingStream}:
 * register callbacks, then start; close ends tracing, runs the {@code trace_end} block and
 * delivers the last output.
 *
 * <pre>{@code
 * try (TraceSession session = Backends.auto().open(TraceProgram.of(program))) {
 *     session.onPrint(System.out::print)
 *            .onRecord(OpenEvent.class, e -> log(e.pid(), e.path()))
 *            .onError(e -> System.err.print(e.text()))
 *            .onLost(l -> lost.add(l.count()));
 *     session.startAsync();
 *     session.awaitTermination(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>Callbacks are invoked one at a time, on the backend's delivery thread (the calling thread on
 * the {@code sim} backend), in the order the program produced the records. Registering a callback
 * after the session has started throws {@link IllegalStateException}.
 */
public interface TraceSession extends AutoCloseable {

    /** Receives every record the program produces, of every kind. */
    TraceSession onEvent(Consumer<? super TraceOutput> action);

    /**
     * Receives the program's text output: what {@code print}, {@code printf}, the ansi library and
     * {@code histogram} write, exactly as written (a {@code print} ends with a newline), and
     * printed aggregations as bpftrace shows them.
     */
    TraceSession onPrint(Consumer<String> action);

    /** Receives every {@code emit} of the schema named like {@code type}, decoded into {@code type}. */
    <R extends Record> TraceSession onRecord(Class<R> type, Consumer<? super R> action);

    /** Receives the runtime error that stopped the script. */
    TraceSession onError(Consumer<? super TraceOutput.RuntimeError> action);

    /** Receives counts of records dropped because a ring was full. */
    TraceSession onLost(Consumer<? super TraceOutput.Lost> action);

    /** Runs once when the session has ended and its last record was delivered. */
    TraceSession onClose(Runnable action);

    /**
     * Starts tracing and blocks until the session ends: the script calls {@code exit()}, a runtime
     * error stops it, or another thread closes the session. The main chunk runs first.
     *
     * @throws IllegalStateException if the session was already started or closed
     * @throws TraceException        if the backend failed
     */
    void start();

    /**
     * Starts tracing and returns; records are delivered on the backend's thread.
     *
     * @throws IllegalStateException if the session was already started or closed
     */
    void startAsync();

    /**
     * Waits until the session has ended, at most {@code timeout}.
     *
     * @return whether the session ended
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    /** Waits until the session has ended. */
    void awaitTermination() throws InterruptedException;

    /** Whether the session has ended (exit, runtime error or close). */
    boolean isTerminated();

    /**
     * Ends tracing: detaches every probe, runs the {@code trace_end} block (unless a runtime error
     * in it ended the session), delivers what remains, runs the {@link #onClose} actions and frees
     * every resource. Idempotent; never throws for a script's errors.
     */
    @Override
    void close();
}
