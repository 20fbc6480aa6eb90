package io.ktap.bytecode;

import io.ktap.ast.Probe;
import java.util.List;

/**
 * The {@code perf_event_attr} of a {@link ProbeKind#PERF_EVENT} or {@link ProbeKind#BREAKPOINT}
 * entry, as userspace resolves it into the entry's event ids (what a kernel needs to open the
 * counter, and nothing it would have to parse):
 * <pre>
 *   PERF_EVENT   [type, config, sample, frequency]   type 0 (PERF_TYPE_HARDWARE) or 1 (SOFTWARE);
 *                                                    config PERF_COUNT_HW_* (0..9) / PERF_COUNT_SW_* (0..8);
 *                                                    sample &gt;= 1: the period, or with frequency 1 the Hz
 *   BREAKPOINT   [address, length, access]          length 1, 2, 4 or 8; access the bp_type bits
 *                                                    (1 r, 2 w, 3 rw, 4 x; x has length 8)
 * </pre>
 * An entry the compiler writes has no ids; a backend that hands the chunk to the kernel fills them.
 */
public final class CounterAttr {

    /** {@code perf_event_attr.type} of a breakpoint. */
    public static final int TYPE_BREAKPOINT = 5;

    /** The most a sample frequency may be (the kernel's own limit is lower and adjustable). */
    public static final long MAX_FREQUENCY = 1_000_000_000L;

    private static final int HW_EVENTS = 10;
    private static final int SW_EVENTS = 9;

    private CounterAttr() {
    }

    /** The words of a perf event. */
    public static List<Long> of(Probe.PerfEvent e) {
        return List.of((long) e.counter().type().abi(), (long) e.counter().config(), e.sample(), e.frequency() ? 1L : 0L);
    }

    /** The words of a breakpoint at a resolved {@code address}. */
    public static List<Long> breakpoint(long address, int length, Probe.Breakpoint.Access access) {
        return List.of(address, (long) length, (long) access.bits());
    }

    /**
     * What is wrong with the words of an entry of {@code kind}, or null when they are well formed
     * (or absent: not resolved yet).
     */
    public static String check(ProbeKind kind, List<Long> ids) {
        if (ids.isEmpty()) {
            return null;
        }
        if (kind == ProbeKind.PERF_EVENT) {
            if (ids.size() != 4) {
                return "a perf event has 4 attr words (type, config, sample, frequency), not " + ids.size();
            }
            long type = ids.get(0);
            long config = ids.get(1);
            long sample = ids.get(2);
            long freq = ids.get(3);
            if (type != 0 && type != 1) {
                return "perf event type " + type + " is neither 0 (hardware) nor 1 (software)";
            }
            if (config < 0 || config >= (type == 0 ? HW_EVENTS : SW_EVENTS)) {
                return "perf event config " + config + " is not a " + (type == 0 ? "hardware" : "software") + " event";
            }
            if (freq != 0 && freq != 1) {
                return "perf event frequency flag " + freq + " is neither 0 nor 1";
            }
            if (sample < 1 || (freq == 1 && sample > MAX_FREQUENCY)) {
                return "perf event sample " + sample + " is outside 1.." + (freq == 1 ? MAX_FREQUENCY : Long.MAX_VALUE);
            }
            return null;
        }
        if (kind == ProbeKind.BREAKPOINT) {
            if (ids.size() != 3) {
                return "a breakpoint has 3 attr words (address, length, access), not " + ids.size();
            }
            long length = ids.get(1);
            long access = ids.get(2);
            if (length != 1 && length != 2 && length != 4 && length != 8) {
                return "breakpoint length " + length + " is not 1, 2, 4 or 8";
            }
            if (access < 1 || access > 4) {
                return "breakpoint access " + access + " is not 1 (r), 2 (w), 3 (rw) or 4 (x)";
            }
            if (access == 4 && length != 8) {
                return "an execute breakpoint has length 8, not " + length;
            }
            return null;
        }
        throw new IllegalArgumentException(kind + " is not a counter");
    }

    /** The words as text: {@code hardware config 0 period 100000}, {@code 0x601040 len 4 w}. */
    public static String describe(ProbeKind kind, List<Long> ids) {
        if (kind == ProbeKind.PERF_EVENT) {
            return (ids.get(0) == 0 ? "hardware" : "software") + " config " + ids.get(1)
                    + (ids.get(3) == 1 ? " freq " : " period ") + ids.get(2);
        }
        return "0x" + Long.toHexString(ids.get(0)) + " len " + ids.get(1) + " "
                + Probe.Breakpoint.Access.ofBits(ids.get(2)).map(Probe.Breakpoint.Access::text).orElse("?");
    }
}
