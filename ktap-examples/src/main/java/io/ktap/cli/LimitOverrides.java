package io.ktap.cli;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The resource limits given on the command line; an empty value keeps the backend's default.
 *
 * @param maxInstructions instructions one handler invocation (the main chunk and the end block
 *                        included) may execute; 0 means unlimited, which only userspace backends accept
 * @param maxCallDepth    nested calls a handler may make (tail calls do not count)
 * @param maxStringBytes  bytes in one string
 * @param maxTableEntries entries in one table
 */
public record LimitOverrides(
        OptionalLong maxInstructions,
        OptionalLong maxCallDepth,
        OptionalLong maxStringBytes,
        OptionalLong maxTableEntries) {

    /** No overrides: every limit is the backend's default. */
    public static final LimitOverrides NONE =
            new LimitOverrides(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());

    public LimitOverrides {
        Objects.requireNonNull(maxInstructions, "maxInstructions");
        Objects.requireNonNull(maxCallDepth, "maxCallDepth");
        Objects.requireNonNull(maxStringBytes, "maxStringBytes");
        Objects.requireNonNull(maxTableEntries, "maxTableEntries");
        requireAtLeast(maxInstructions, 0, "maxInstructions");
        requireAtLeast(maxCallDepth, 1, "maxCallDepth");
        requireAtLeast(maxStringBytes, 1, "maxStringBytes");
        requireAtLeast(maxTableEntries, 1, "maxTableEntries");
    }

    public LimitOverrides withMaxInstructions(long n) {
        return new LimitOverrides(OptionalLong.of(n), maxCallDepth, maxStringBytes, maxTableEntries);
    }

    public LimitOverrides withMaxCallDepth(long n) {
        return new LimitOverrides(maxInstructions, OptionalLong.of(n), maxStringBytes, maxTableEntries);
    }

    public LimitOverrides withMaxStringBytes(long n) {
        return new LimitOverrides(maxInstructions, maxCallDepth, OptionalLong.of(n), maxTableEntries);
    }

    public LimitOverrides withMaxTableEntries(long n) {
        return new LimitOverrides(maxInstructions, maxCallDepth, maxStringBytes, OptionalLong.of(n));
    }

    private static void requireAtLeast(OptionalLong value, long min, String what) {
        if (value.isPresent() && value.getAsLong() < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", not " + value.getAsLong());
        }
    }
}
