package io.ktap.trace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The lifecycle every backend shares: callback registration (frozen at start), dispatch of
 * records to the callbacks, the started/terminated/closed states and idempotent close. A backend
 * implements {@link #doStart()} and {@link #doClose()} and calls {@link #deliver(TraceOutput)} and
 * {@link #terminated()}.
 */
public abstract class AbstractTraceSession implements TraceSession {

    private enum State { NEW, STARTED, CLOSED }

    private final Object lock = new Object();
    private final List<Consumer<? super TraceOutput>> actions = new ArrayList<>();
    private final List<Runnable> closeActions = new ArrayList<>();
    private final CountDownLatch termination = new CountDownLatch(1);
    private volatile State state = State.NEW;
    private volatile Consumer<? super TraceOutput>[] frozen;
    private volatile Throwable failure;

    protected AbstractTraceSession() {
        @SuppressWarnings("unchecked")
        Consumer<? super TraceOutput>[] none = new Consumer[0];
        frozen = none;
    }

    @Override
    public final TraceSession onEvent(Consumer<? super TraceOutput> action) {
        Objects.requireNonNull(action, "action");
        register(action);
        return this;
    }

    @Override
    public final TraceSession onPrint(Consumer<String> action) {
        Objects.requireNonNull(action, "action");
        register(out -> {
            if (out instanceof TraceOutput.Print || out instanceof TraceOutput.Histogram
                    || out instanceof TraceOutput.Aggregation) {
                action.accept(out.text());
            }
        });
        return this;
    }

    @Override
    public final <R extends Record> TraceSession onRecord(Class<R> type, Consumer<? super R> action) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(action, "action");
        register(out -> {
            if (out instanceof TraceOutput.Emit e
                    && (e.schema().equals(type.getSimpleName()) || e.schema().equals(type.getName()))) {
                action.accept(e.as(type));
            }
        });
        return this;
    }

    @Override
    public final TraceSession onError(Consumer<? super TraceOutput.RuntimeError> action) {
        Objects.requireNonNull(action, "action");
        register(out -> {
            if (out instanceof TraceOutput.RuntimeError e) {
                action.accept(e);
            }
        });
        return this;
    }

    @Override
    public final TraceSession onLost(Consumer<? super TraceOutput.Lost> action) {
        Objects.requireNonNull(action, "action");
        register(out -> {
            if (out instanceof TraceOutput.Lost l) {
                action.accept(l);
            }
        });
        return this;
    }

    @Override
    public final TraceSession onClose(Runnable action) {
        Objects.requireNonNull(action, "action");
        synchronized (lock) {
            requireNew();
            closeActions.add(action);
        }
        return this;
    }

    private void register(Consumer<? super TraceOutput> action) {
        synchronized (lock) {
            requireNew();
            actions.add(action);
        }
    }

    private void requireNew() {
        if (state != State.NEW) {
            throw new IllegalStateException("callbacks must be registered before the session starts");
        }
    }

    /** Blocks until the session ends; backends whose caller drives the events override this. */
    @Override
    public void start() {
        startAsync();
        try {
            awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TraceException("interrupted while tracing", e);
        }
        Throwable f = failure;
        if (f != null) {
            throw new TraceException("trace session failed: " + f.getMessage(), f);
        }
    }

    @Override
    public final void startAsync() {
        synchronized (lock) {
            if (state == State.STARTED) {
                throw new IllegalStateException("the session was already started");
            }
            if (state == State.CLOSED) {
                throw new IllegalStateException("the session is closed");
            }
            @SuppressWarnings("unchecked")
            Consumer<? super TraceOutput>[] array = actions.toArray(new Consumer[0]);
            frozen = array;
            state = State.STARTED;
        }
        doStart();
    }

    @Override
    public final boolean awaitTermination(Duration timeout) throws InterruptedException {
        return termination.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public final void awaitTermination() throws InterruptedException {
        termination.await();
    }

    @Override
    public final boolean isTerminated() {
        return termination.getCount() == 0;
    }

    /** Whether {@link #startAsync()} has run. */
    protected final boolean isStarted() {
        return state != State.NEW;
    }

    /** Whether {@link #close()} has begun. */
    protected final boolean isClosed() {
        return state == State.CLOSED;
    }

    /** The backend failure that ended the session, if any. */
    public final java.util.Optional<Throwable> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    @Override
    public final void close() {
        boolean wasStarted;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            wasStarted = state == State.STARTED;
            state = State.CLOSED;
        }
        try {
            doClose(wasStarted);
        } finally {
            terminated();
            List<Runnable> toRun;
            synchronized (lock) {
                toRun = List.copyOf(closeActions);
            }
            for (Runnable r : toRun) {
                r.run();
            }
        }
    }

    /** Sends {@code output} to every registered callback, in registration order. */
    protected final void deliver(TraceOutput output) {
        for (Consumer<? super TraceOutput> action : frozen) {
            action.accept(output);
        }
    }

    /** Marks the session ended (exit, runtime error, end of input); releases awaiting threads. */
    protected final void terminated() {
        termination.countDown();
    }

    /** Records a backend failure and ends the session. */
    protected final void failed(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        terminated();
    }

    /** Attaches and begins tracing; runs once, after the callbacks are frozen. */
    protected abstract void doStart();

    /**
     * Detaches, runs the end block if it has not run, delivers the remaining records and frees
     * resources. Runs once.
     *
     * @param started whether {@link #doStart()} ran
     */
    protected abstract void doClose(boolean started);
}
