package io.ktap.host;

import java.util.Objects;
import java.util.Optional;

/**
 * An event a {@link HostTracer} has attached: what it is, its raw-record format when it has one,
 * and its index among the tracer's events (dense, from 0, in attach order: a backend can keep
 * per-event state in an array indexed by it).
 */
public final class AttachedEvent {
    /** What kind of kernel event feeds this attachment. */
    public enum Kind { TRACEPOINT, UPROBE, URETPROBE, KPROBE, KRETPROBE, PROFILE, PERF_EVENT, BREAKPOINT }

    private final int index;
    private final Kind kind;
    private final String name;
    private final EventFormat format;
    private final String probeDefinition;

    AttachedEvent(int index, Kind kind, String name, EventFormat format, String probeDefinition) {
        this.index = index;
        this.kind = Objects.requireNonNull(kind);
        this.name = Objects.requireNonNull(name);
        this.format = format;
        this.probeDefinition = probeDefinition;
    }

    public int index() {
        return index;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The event's name: {@code system:event} for tracepoints and probes created in tracefs
     * ({@code ktap_1234_5678:p_work_0}), {@code profile-<period>ns} for a profile sampler, the
     * canonical spec of a perf event or breakpoint ({@code perf:cycles}, {@code mem:0x601040/4:w}).
     */
    public String name() {
        return name;
    }

    /** The raw-record format (absent for profile samplers, perf events and breakpoints: no raw data). */
    public Optional<EventFormat> format() {
        return Optional.ofNullable(format);
    }

    /** For a probe created in tracefs, the line written to {@code uprobe_events}/{@code kprobe_events}. */
    public Optional<String> probeDefinition() {
        return Optional.ofNullable(probeDefinition);
    }

    @Override
    public String toString() {
        return kind + " " + name;
    }
}
