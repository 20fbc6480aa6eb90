package io.ktap.bytecode;

import java.util.List;

/**
 * One entry of the probe table: one EVENTDEF (or timer) of a {@code trace} block. A block with
 * several EVENTDEFs gives consecutive entries sharing one handler prototype.
 *
 * @param kind        what it attaches to
 * @param spec        the probe's text ({@code syscalls:sys_enter_*}, {@code probe:do_sys_open dfd=%di},
 *                    {@code tick-1s}), for userspace resolution and messages; a byte string
 * @param filter      the kernel event filter of the block ({@code ip==mutex*}), or {@code null}
 * @param handler     the index of the handler's root prototype
 * @param periodNanos the timer period for {@link ProbeKind#isTimer() timers}, 0 otherwise
 * @param eventIds    the event ids userspace resolved for this entry (empty until it does; timers have none)
 */
public record ProbeEntry(ProbeKind kind, String spec, String filter, int handler, long periodNanos, List<Long> eventIds) {
    public ProbeEntry {
        java.util.Objects.requireNonNull(kind, "kind");
        Bytes.requireBytes(spec, "spec");
        if (filter != null) {
            Bytes.requireBytes(filter, "filter");
        }
        eventIds = List.copyOf(eventIds);
    }

    /** A copy carrying the resolved event ids. */
    public ProbeEntry withEventIds(List<Long> ids) {
        return new ProbeEntry(kind, spec, filter, handler, periodNanos, ids);
    }
}
