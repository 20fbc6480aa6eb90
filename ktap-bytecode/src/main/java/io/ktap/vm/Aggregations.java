package io.ktap.vm;

import io.ktap.bytecode.Bytes;
import io.ktap.trace.TraceOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code print(x)} of an aggregation: the record for a single aggregation, or for a table whose
 * values are all aggregations of one kind and bounds (named after the first entry's descriptor).
 */
final class Aggregations {

    private Aggregations() {
    }

    /** The record {@code print(value)} writes, or null when {@code value} prints as an ordinary value. */
    static TraceOutput.Aggregation printable(Object value, int cpu, long timestamp) {
        if (value instanceof KAgg g) {
            return single(g, cpu, timestamp);
        }
        if (!(value instanceof KTable t) || t.size() == 0) {
            return null;
        }
        KAgg first = null;
        List<TraceOutput.Aggregation.Entry> entries = new ArrayList<>();
        for (int p = t.nextPosition(0); p >= 0; p = t.nextPosition(p + 1)) {
            if (!(t.valueRefAt(p) instanceof KAgg g) || first != null && !first.accepts(g.spec)) {
                return null;
            }
            if (first == null) {
                first = g;
            }
            entries.add(g.entry(Values.display(t.keyRefAt(p), t.keyNumAt(p))));
        }
        return record(first, entries, cpu, timestamp);
    }

    static TraceOutput.Aggregation single(KAgg g, int cpu, long timestamp) {
        return record(g, List.of(g.entry(null)), cpu, timestamp);
    }

    private static TraceOutput.Aggregation record(KAgg g, List<TraceOutput.Aggregation.Entry> entries, int cpu,
                                                  long timestamp) {
        return new TraceOutput.Aggregation(cpu, timestamp, Bytes.toText(g.spec.name()), g.spec.kind(), g.spec.min(),
                g.spec.max(), g.spec.step(), entries);
    }
}
