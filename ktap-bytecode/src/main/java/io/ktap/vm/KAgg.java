package io.ktap.vm;

import io.ktap.bytecode.AggregationSpec;
import io.ktap.trace.AggregationKind;
import io.ktap.trace.TraceOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * An aggregation value ({@code x = count()}, {@code s[k] = hist(v)}): created by the first
 * {@code AGG}/{@code TAGG} on a nil slot, then updated in place. Every kind keeps the number of
 * updates, the wrapping total and the smallest and largest value; histograms also keep buckets.
 * Counted against the table-entry quota as {@link #quotaEntries()} entries.
 */
final class KAgg {

    final AggregationSpec spec;
    long count;
    long sum;
    long min;
    long max;
    /** Bucket counts of a histogram, else null. */
    final long[] buckets;

    KAgg(AggregationSpec spec) {
        this.spec = spec;
        this.buckets = switch (spec.kind()) {
            case HIST -> new long[AggregationKind.HIST_BUCKETS];
            case LHIST -> new long[AggregationKind.lhistBuckets(spec.min(), spec.max(), spec.step()) + 2];
            default -> null;
        };
    }

    /** Table entries an aggregation of {@code spec} counts against the quota: 1, plus 1 per 8 buckets. */
    static int quotaEntries(AggregationSpec spec) {
        return switch (spec.kind()) {
            case HIST -> 1 + (AggregationKind.HIST_BUCKETS + 7) / 8;
            case LHIST -> 1 + (AggregationKind.lhistBuckets(spec.min(), spec.max(), spec.step()) + 2 + 7) / 8;
            default -> 1;
        };
    }

    int quotaEntries() {
        return quotaEntries(spec);
    }

    /** Whether an update under {@code other} may go into this aggregation: same kind and bounds. */
    boolean accepts(AggregationSpec other) {
        return spec.kind() == other.kind() && spec.min() == other.min() && spec.max() == other.max()
                && spec.step() == other.step();
    }

    /** One update; {@code v} is ignored by {@code count()}. */
    void update(long v) {
        count++;
        if (spec.kind() == AggregationKind.COUNT) {
            return;
        }
        sum += v;
        if (count == 1) {
            min = v;
            max = v;
        } else {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (buckets != null) {
            buckets[bucket(v)]++;
        }
    }

    private int bucket(long v) {
        if (spec.kind() == AggregationKind.HIST) {
            if (v < 0) {
                return 0;
            }
            return v == 0 ? 1 : 2 + 63 - Long.numberOfLeadingZeros(v);
        }
        if (v < spec.min()) {
            return 0;
        }
        if (v >= spec.max()) {
            return buckets.length - 1;
        }
        return 1 + (int) Long.divideUnsigned(v - spec.min(), spec.step());
    }

    /** The natural scalar of count, sum, min, max and avg; null for stats and histograms. */
    Long scalar() {
        return switch (spec.kind()) {
            case COUNT -> count;
            case SUM -> sum;
            case MIN -> min;
            case MAX -> max;
            case AVG -> average();
            default -> null;
        };
    }

    private long average() {
        return count == 0 ? 0 : sum / count;
    }

    /** The state as a record entry: buckets from the first non-empty to the last. */
    TraceOutput.Aggregation.Entry entry(String key) {
        int first = 0;
        List<Long> span = new ArrayList<>();
        if (buckets != null) {
            int last = buckets.length - 1;
            while (first < buckets.length && buckets[first] == 0) {
                first++;
            }
            while (last >= first && buckets[last] == 0) {
                last--;
            }
            for (int i = first; i <= last; i++) {
                span.add(buckets[i]);
            }
            if (span.isEmpty()) {
                first = 0;
            }
        }
        return new TraceOutput.Aggregation.Entry(key, count, sum, min, max, first, span);
    }

    /**
     * How {@code print} shows the value among other arguments (and {@code printf("%s")}): the
     * scalar of count, sum, min, max and avg; {@code count N, average A, total T} for stats; the
     * signature ({@code hist()}, {@code lhist(0, 100, 10)}) for histograms.
     */
    @Override
    public String toString() {
        Long s = scalar();
        if (s != null) {
            return Long.toString(s);
        }
        if (spec.kind() == AggregationKind.STATS) {
            return "count " + count + ", average " + average() + ", total " + sum;
        }
        return spec.signature();
    }
}
