package io.ktap.cli;

import io.ktap.trace.Limits;
import java.util.Optional;

/**
 * The {@code --max-*} options, one per run-time limit of {@link Limits}. Every one takes a count,
 * where 0 lifts the limit (the host and sim backends only: the kernel backend refuses it).
 */
public enum LimitOption {
    /** Both instruction budgets at once; applied before the two that follow, which refine it. */
    INSTRUCTIONS("--max-instructions", "instructions per run, of every handler (both below)", Long.MAX_VALUE) {
        @Override
        Limits apply(Limits limits, long n) {
            return limits.instructions(n);
        }
    },
    HANDLER_INSTRUCTIONS("--max-handler-instructions", "instructions per probe or timer handler run", Long.MAX_VALUE) {
        @Override
        Limits apply(Limits limits, long n) {
            return limits.handlerInstructions(n);
        }
    },
    MAIN_INSTRUCTIONS("--max-main-instructions", "instructions for the main chunk, and each end block", Long.MAX_VALUE) {
        @Override
        Limits apply(Limits limits, long n) {
            return limits.mainInstructions(n);
        }
    },
    CALL_DEPTH("--max-call-depth", "frames on one run's call stack (tail calls reuse one)", Integer.MAX_VALUE) {
        @Override
        Limits apply(Limits limits, long n) {
            return limits.callDepth((int) n);
        }
    },
    STACK_SLOTS("--max-stack-slots", "value slots on one run's stack", Integer.MAX_VALUE) {
        @Override
        Limits apply(Limits limits, long n) {
            return limits.stackSlots((int) n);
        }
    },
    STRING_BYTES("--max-string-bytes", "bytes in one string", Integer.MAX_VALUE) {
        @Override
        Limits apply(Limits limits, long n) {
            return limits.stringBytes((int) n);
        }
    },
    TABLES("--max-tables", "live tables", Integer.MAX_VALUE) {
        @Override
        Limits apply(Limits limits, long n) {
            return limits.tables((int) n);
        }
    },
    TABLE_ENTRIES("--max-table-entries", "entries of all live tables together", Integer.MAX_VALUE) {
        @Override
        Limits apply(Limits limits, long n) {
            return limits.tableEntries((int) n);
        }
    },
    STRING_POOL_BYTES("--max-string-pool-bytes", "bytes of all live strings made at run time", Integer.MAX_VALUE) {
        @Override
        Limits apply(Limits limits, long n) {
            return limits.stringPoolBytes((int) n);
        }
    },
    CLOSURES("--max-closures", "live closures", Integer.MAX_VALUE) {
        @Override
        Limits apply(Limits limits, long n) {
            return limits.closures((int) n);
        }
    };

    private final String option;
    private final String description;
    private final long max;

    LimitOption(String option, String description, long max) {
        this.option = option;
        this.description = description;
        this.max = max;
    }

    /** The command-line spelling, {@code --max-...}. */
    public String option() {
        return option;
    }

    /** What the limit counts, for the help text. */
    public String description() {
        return description;
    }

    /** The largest value the limit takes. */
    public long max() {
        return max;
    }

    /** {@code limits} with this limit set to {@code n}. */
    abstract Limits apply(Limits limits, long n);

    /** The option spelled {@code option}. */
    public static Optional<LimitOption> fromOption(String option) {
        for (LimitOption l : values()) {
            if (l.option.equals(option)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
