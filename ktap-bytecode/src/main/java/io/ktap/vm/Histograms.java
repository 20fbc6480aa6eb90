package io.ktap.vm;

import io.ktap.trace.TraceOutput;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code histogram(t [, rows])}: the table's numeric counts, sorted by count descending (keys with
 * equal counts in the table's iteration order, that is insertion order), at most {@code rows} rows
 * (default {@value TraceOutput.Histogram#DEFAULT_ROWS}). Each bar is the key's share of the total of
 * all positive counts, in {@value TraceOutput.Histogram#BAR_WIDTH} units; a zero total draws no bars.
 * A count, sum, min, max or avg aggregation counts as its value; any other value that is not a
 * number is a runtime error.
 */
final class Histograms {

    private Histograms() {
    }

    static TraceOutput.Histogram of(KTable t, long rows, int cpu, long timestamp) {
        if (rows < 0) {
            throw new KtapError("bad argument #2 to 'histogram' (rows must not be negative)");
        }
        List<Object[]> entries = new ArrayList<>();
        long total = 0;
        for (int p = t.nextPosition(0); p >= 0; p = t.nextPosition(p + 1)) {
            Object vr = t.valueRefAt(p);
            long v = t.valueNumAt(p);
            if (vr instanceof KAgg g && g.scalar() != null) {
                v = g.scalar();
            } else if (vr != Values.INT) {
                throw new KtapError("histogram: the value of key '" + Values.display(t.keyRefAt(p), t.keyNumAt(p))
                        + "' is a " + Values.typeName(vr) + ", not a number");
            }
            if (v > 0) {
                total = total > Long.MAX_VALUE - v ? Long.MAX_VALUE : total + v;
            }
            entries.add(new Object[] {Values.display(t.keyRefAt(p), t.keyNumAt(p)), v});
        }
        entries.sort((a, b) -> Long.compare((Long) b[1], (Long) a[1]));
        int shown = (int) Math.min(rows, entries.size());
        List<TraceOutput.Histogram.Row> out = new ArrayList<>(shown);
        for (int i = 0; i < shown; i++) {
            long v = (Long) entries.get(i)[1];
            out.add(new TraceOutput.Histogram.Row((String) entries.get(i)[0], v, bar(v, total)));
        }
        return new TraceOutput.Histogram(cpu, timestamp, out, entries.size() - shown);
    }

    /** {@code count * BAR_WIDTH / total}, without overflow; 0 for non-positive counts or totals. */
    static int bar(long count, long total) {
        if (count <= 0 || total <= 0) {
            return 0;
        }
        long w = TraceOutput.Histogram.BAR_WIDTH;
        if (count <= Long.MAX_VALUE / w) {
            return (int) Math.min(w, count * w / total);
        }
        return BigInteger.valueOf(count).multiply(BigInteger.valueOf(w)).divide(BigInteger.valueOf(total))
                .min(BigInteger.valueOf(w)).intValue();
    }
}
