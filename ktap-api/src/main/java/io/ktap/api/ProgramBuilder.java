package io.ktap.api;

import io.ktap.ast.Probe;
import io.ktap.ast.Program;
import io.ktap.ast.Span;
import io.ktap.ast.Stmt;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Builds a whole {@link Program}: globals, functions and main-chunk statements (every
 * {@link Statements} method), and the probe blocks. Statements keep the order they were added
 * in, as lines of a script would.
 * <pre>{@code
 * Program p = Ktap.program()
 *         .var("s", table())
 *         .trace("syscalls:sys_enter_*", h -> h.add(index(name("s"), argname()), 1))
 *         .traceEnd(h -> h.histogram(name("s")))
 *         .build();
 * }</pre>
 * Probe texts are parsed where they are given: a malformed one throws
 * {@link IllegalArgumentException} from {@code trace(...)} with the reason.
 */
public final class ProgramBuilder extends Statements<ProgramBuilder> {

    ProgramBuilder() {
    }

    /**
     * {@code trace EVENTDEF[, EVENTDEF...] { handler }}, the EVENTDEFs as in a script:
     * {@code "sched:sched_switch"}, {@code "probe:do_sys_open dfd=%di"},
     * {@code "syscalls:sys_enter_open, syscalls:sys_enter_openat"}.
     */
    public ProgramBuilder trace(String eventdefs, Consumer<? super Body> handler) {
        return trace(Probes.parseList(eventdefs), null, handler);
    }

    /** {@code trace EVENTDEF /filter/ { handler }}: only events the kernel filter accepts. */
    public ProgramBuilder trace(String eventdefs, Filter filter, Consumer<? super Body> handler) {
        Objects.requireNonNull(filter, "filter");
        return trace(Probes.parseList(eventdefs), filter, handler);
    }

    /** {@code trace PROBE { handler }} for a probe made with {@link Probes}. */
    public ProgramBuilder trace(Probe probe, Consumer<? super Body> handler) {
        return trace(List.of(probe), null, handler);
    }

    /** {@code trace PROBE /filter/ { handler }}. */
    public ProgramBuilder trace(Probe probe, Filter filter, Consumer<? super Body> handler) {
        Objects.requireNonNull(filter, "filter");
        return trace(List.of(probe), filter, handler);
    }

    /**
     * {@code trace P1, P2 [/filter/] { handler }}: one handler for several probes.
     *
     * @param filter the event filter, or {@code null} for none
     */
    public ProgramBuilder trace(List<? extends Probe> probes, Filter filter, Consumer<? super Body> handler) {
        List<Probe> list = List.copyOf(probes);
        list.forEach(io.ktap.ast.ProbeSpecs::validate);
        return stmt(new Stmt.Trace(Span.NONE, list, filter == null ? null : filter.expression(),
                Statements.build(handler)));
    }

    /** {@code tick-N { handler }}: runs on one CPU every {@code period} (whole microseconds, at least 1us). */
    public ProgramBuilder tick(Duration period, Consumer<? super Body> handler) {
        return trace(List.of(Probes.tick(period)), null, handler);
    }

    /** {@code profile-N { handler }}: runs on every CPU every {@code period}. */
    public ProgramBuilder profile(Duration period, Consumer<? super Body> handler) {
        return trace(List.of(Probes.profile(period)), null, handler);
    }

    /** {@code trace_end { handler }}: runs once when tracing stops. */
    public ProgramBuilder traceEnd(Consumer<? super Body> handler) {
        return stmt(new Stmt.TraceEnd(Span.NONE, Statements.build(handler)));
    }

    /** The program as built so far; the builder may go on to build larger programs. */
    public Program build() {
        return new Program(Span.NONE, toBlock());
    }
}
