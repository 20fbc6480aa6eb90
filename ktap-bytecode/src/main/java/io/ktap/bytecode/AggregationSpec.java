package io.ktap.bytecode;

import io.ktap.trace.AggregationKind;
import java.util.Objects;

/**
 * One aggregation site's descriptor in the chunk's AGGREGATIONS section, named by the D field of
 * {@link Opcode#AGG} and {@link Opcode#TAGG}: the variable it aggregates into (for printing
 * {@code @name}), its kind and, for {@code lhist}, its bounds. Codegen writes one descriptor per
 * distinct (name, kind, bounds).
 *
 * @param name the variable's name (a byte string; empty when the target has none)
 * @param kind the aggregation function
 * @param min  {@code lhist}'s min, else 0
 * @param max  {@code lhist}'s max, else 0
 * @param step {@code lhist}'s step, else 0
 */
public record AggregationSpec(String name, AggregationKind kind, long min, long max, long step) {

    public AggregationSpec {
        Bytes.requireBytes(name, "aggregation name");
        Objects.requireNonNull(kind, "kind");
    }

    /** Whether the bounds suit the kind (rule V31): lhist's are valid, the others are all 0. */
    public boolean boundsValid() {
        return kind == AggregationKind.LHIST ? AggregationKind.lhistBuckets(min, max, step) >= 0
                : min == 0 && max == 0 && step == 0;
    }

    /** The function as written, for messages: {@code count()}, {@code lhist(0, 100, 10)}. */
    public String signature() {
        return kind == AggregationKind.LHIST ? "lhist(" + min + ", " + max + ", " + step + ")"
                : kind.functionName() + "()";
    }
}
