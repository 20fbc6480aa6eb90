package io.ktap.trace;

import java.util.Optional;

/**
 * The kinds of aggregation a program can keep ({@code s[k] = count()}, {@code lat = hist(v)}, ...).
 * {@link #code()} is the number the chunk format and the ring records use; never reused.
 */
public enum AggregationKind {
    /** {@code count()}: the number of updates. */
    COUNT(1, "count", "map"),
    /** {@code sum(v)}: the total of the values (wrapping, as all integer arithmetic). */
    SUM(2, "sum", "map"),
    /** {@code min(v)}: the smallest value. */
    MIN(3, "min", "map"),
    /** {@code max(v)}: the largest value. */
    MAX(4, "max", "map"),
    /** {@code avg(v)}: total / count, truncated toward zero. */
    AVG(5, "avg", "stats"),
    /** {@code stats(v)}: count, average and total. */
    STATS(6, "stats", "stats"),
    /** {@code hist(v)}: a power-of-2 histogram of {@value #HIST_BUCKETS} buckets. */
    HIST(7, "hist", "hist"),
    /** {@code lhist(v, min, max, step)}: a linear histogram. */
    LHIST(8, "lhist", "hist");

    /**
     * Buckets of a power-of-2 histogram: index 0 counts negative values, 1 the value 0, 2 the value
     * 1, and index {@code i >= 3} the values {@code [2^(i-2), 2^(i-1))}, up to {@code [2^62, 2^63)}.
     */
    public static final int HIST_BUCKETS = 65;

    /** The most in-range buckets of a linear histogram ({@code (max - min) / step}). */
    public static final int MAX_LHIST_BUCKETS = 1000;

    private final int code;
    private final String functionName;
    private final String jsonType;

    AggregationKind(int code, String functionName, String jsonType) {
        this.code = code;
        this.functionName = functionName;
        this.jsonType = jsonType;
    }

    /** The number in chunks and ring records. */
    public int code() {
        return code;
    }

    /** The script's function name ({@code count}, {@code lhist}, ...). */
    public String functionName() {
        return functionName;
    }

    /** bpftrace's JSON {@code "type"} for this kind: {@code map}, {@code stats} or {@code hist}. */
    public String jsonType() {
        return jsonType;
    }

    /** Whether the aggregation keeps buckets ({@link #HIST}, {@link #LHIST}). */
    public boolean isHistogram() {
        return this == HIST || this == LHIST;
    }

    /** The kind numbered {@code code}. */
    public static Optional<AggregationKind> byCode(int code) {
        for (AggregationKind k : values()) {
            if (k.code == code) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The kind whose function is {@code name}. */
    public static Optional<AggregationKind> byFunctionName(String name) {
        for (AggregationKind k : values()) {
            if (k.functionName.equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /**
     * The number of in-range buckets of {@code lhist(v, min, max, step)}, or -1 when the bounds are
     * invalid: step at least 1, min below max, {@code max - min} a multiple of step and at most
     * {@link #MAX_LHIST_BUCKETS} steps.
     */
    public static int lhistBuckets(long min, long max, long step) {
        if (step < 1 || min >= max) {
            return -1;
        }
        long span = max - min; // unsigned: min < max, so the true span fits in 64 unsigned bits
        if (Long.remainderUnsigned(span, step) != 0) {
            return -1;
        }
        long n = Long.divideUnsigned(span, step);
        return Long.compareUnsigned(n, MAX_LHIST_BUCKETS) > 0 ? -1 : (int) n;
    }
}
