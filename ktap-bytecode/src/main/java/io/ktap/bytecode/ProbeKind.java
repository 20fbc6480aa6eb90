package io.ktap.bytecode;

import java.util.Optional;

/** What a probe-table entry attaches to; {@link #code()} is its byte in the format. */
public enum ProbeKind {
    TRACEPOINT(1),
    KPROBE(2),
    KRETPROBE(3),
    UPROBE(4),
    URETPROBE(5),
    SDT(6),
    FTRACE_FUNCTION(7),
    /** {@code tick-N}: a timer on one CPU; the entry's period is set. */
    TICK(8),
    /** {@code profile-N}: a timer on every CPU; the entry's period is set. */
    PROFILE(9),
    /**
     * {@code perf:EVENT}: a perf hardware or software counter; once resolved, its event ids are
     * the {@link CounterAttr} words (type, config, sample, frequency).
     */
    PERF_EVENT(10),
    /**
     * {@code mem:ADDR}: a hardware breakpoint; once resolved, its event ids are the
     * {@link CounterAttr} words (address, length, access).
     */
    BREAKPOINT(11);

    private final int code;

    ProbeKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Whether the kernel fires it from a timer (no event ids, a period instead). */
    public boolean isTimer() {
        return this == TICK || this == PROFILE;
    }

    /** Whether it is a perf counter of its own (no tracefs event, no filter): perf events, breakpoints. */
    public boolean isCounter() {
        return this == PERF_EVENT || this == BREAKPOINT;
    }

    /** The largest code a kind has. */
    public static final int MAX_CODE = 11;

    public static Optional<ProbeKind> byCode(int code) {
        for (ProbeKind k : values()) {
            if (k.code == code) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
