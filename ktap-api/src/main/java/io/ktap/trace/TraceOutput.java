package io.ktap.trace;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a running program produces, as the user receives it: printed text, histograms,
 * aggregations, typed records, runtime errors and lost counts. Every backend delivers the same values for the same
 * program and events; {@link #text()} is the program's text output, identical on every backend.
 */
public sealed interface TraceOutput {

    /** The CPU the record was produced on. */
    int cpu();

    /** When the record was produced, in nanoseconds of the backend's trace clock. */
    long timestampNanos();

    /** The record as the program's text output shows it. */
    String text();

    /** Text written by {@code print} or {@code printf} (and the ansi library), exactly as written. */
    record Print(int cpu, long timestampNanos, String text) implements TraceOutput {
        public Print {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A histogram printed by {@code histogram(t)}: the rows shown, sorted by count descending (ties
     * by key), and how many rows were left out.
     */
    record Histogram(int cpu, long timestampNanos, List<Row> rows, int omitted) implements TraceOutput {

        /** The header's distribution column, 40 wide. */
        public static final String DISTRIBUTION = "------------- Distribution -------------";

        /** The bar's width: a key holding every count gets 38 {@code @}. */
        public static final int BAR_WIDTH = 38;

        /** Rows shown when the script does not say. */
        public static final int DEFAULT_ROWS = 20;

        public Histogram {
            rows = List.copyOf(rows);
            if (omitted < 0) {
                throw new IllegalArgumentException("omitted rows must not be negative: " + omitted);
            }
        }

        /**
         * One row: the key as printed, its count, and the bar length (count's share of the total
         * of all counts, shown or not, in {@link #BAR_WIDTH} units).
         */
        public record Row(String key, long count, int bar) {
            public Row {
                Objects.requireNonNull(key, "key");
                if (bar < 0 || bar > BAR_WIDTH) {
                    throw new IllegalArgumentException("bar must be 0.." + BAR_WIDTH + ": " + bar);
                }
            }
        }

        /**
         * <pre>
         *                           value ------------- Distribution ------------- count
         *                sys_enter_openat |@@@@@@@@@@@@@@@@@@@@@@@@@             | 2
         *                 sys_enter_close |@@@@@@@@@@@@@                         | 1
         * </pre>
         */
        @Override
        public String text() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%31s %s %s\n", "value", DISTRIBUTION, "count"));
            for (Row row : rows) {
                sb.append(String.format("%31s |%-" + BAR_WIDTH + "s| %d\n", row.key, "@".repeat(row.bar), row.count));
            }
            if (omitted > 0) {
                sb.append(String.format("%31s |\n", "..."));
            }
            return sb.toString();
        }
    }

    /**
     * An aggregation printed by {@code print(x)}: a single aggregation ({@code x = count()}), or a
     * table whose values are aggregations of one kind ({@code s[k] = count()}), one entry per key.
     * Entries are in bpftrace's order: ascending by value ({@link #value(Entry)}; for
     * {@link AggregationKind#STATS} the average, for histograms the number of values), ties in the
     * table's iteration order. {@link #text()} is bpftrace's text output for the same map.
     *
     * @param name     the variable the script aggregated into ({@code s} for {@code s[k] = count()}),
     *                 empty when it had none; shown as {@code @name}
     * @param kind     the aggregation function
     * @param lhistMin {@code lhist}'s min (0 for the other kinds)
     * @param lhistMax {@code lhist}'s max (0 for the other kinds)
     * @param lhistStep {@code lhist}'s step (0 for the other kinds)
     * @param entries  at least one
     */
    record Aggregation(int cpu, long timestampNanos, String name, AggregationKind kind, long lhistMin, long lhistMax,
                       long lhistStep, List<Entry> entries) implements TraceOutput {

        /** The bar's width in a histogram bucket line. */
        public static final int BAR_WIDTH = 52;

        public Aggregation {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            if (kind == AggregationKind.LHIST ? AggregationKind.lhistBuckets(lhistMin, lhistMax, lhistStep) < 0
                    : lhistMin != 0 || lhistMax != 0 || lhistStep != 0) {
                throw new IllegalArgumentException("bad bounds for " + kind.functionName() + ": " + lhistMin + ", "
                        + lhistMax + ", " + lhistStep);
            }
            List<Entry> sorted = new ArrayList<>(entries);
            if (sorted.isEmpty()) {
                throw new IllegalArgumentException("an aggregation record has at least one entry");
            }
            int buckets = kind == AggregationKind.HIST ? AggregationKind.HIST_BUCKETS
                    : kind == AggregationKind.LHIST ? AggregationKind.lhistBuckets(lhistMin, lhistMax, lhistStep) + 2 : 0;
            for (Entry e : sorted) {
                if (e.firstBucket() + e.buckets().size() > buckets) {
                    throw new IllegalArgumentException("entry " + e + " has buckets beyond " + buckets);
                }
            }
            AggregationKind k = kind;
            sorted.sort((a, b) -> Long.compare(sortValue(k, a), sortValue(k, b)));
            entries = List.copyOf(sorted);
        }

        private static long sortValue(AggregationKind kind, Entry e) {
            return kind.isHistogram() ? e.count() : value(kind, e);
        }

        /**
         * The state of one aggregation: every kind keeps the number of updates, the total, the
         * smallest and the largest value ({@code count()} takes no value: its total, min and max
         * are 0), and histograms their buckets from the first to the last non-empty one.
         *
         * @param key         the table key as {@code print} shows it, or {@code null} for a single
         *                    aggregation
         * @param firstBucket the index of {@code buckets.get(0)} (0 when there are no buckets)
         * @param buckets     bucket counts, from the first non-empty bucket to the last
         */
        public record Entry(String key, long count, long sum, long min, long max, int firstBucket, List<Long> buckets) {
            public Entry {
                buckets = List.copyOf(buckets);
                if (firstBucket < 0) {
                    throw new IllegalArgumentException("firstBucket must not be negative: " + firstBucket);
                }
            }

            /** The total divided by the count, truncated toward zero (0 when there were no values). */
            public long average() {
                return count == 0 ? 0 : sum / count;
            }
        }

        /**
         * One histogram bucket as bpftrace's JSON shows it.
         *
         * @param low   the smallest value counted, or {@code null} when unbounded below
         * @param high  the largest value counted, or {@code null} when unbounded above
         * @param label the text form ({@code [4, 8)}, {@code [1K, 2K)}, {@code (..., 0)})
         */
        public record Bucket(Long low, Long high, String label, long count) {
            public Bucket {
                Objects.requireNonNull(label, "label");
            }
        }

        /** The entry's natural value: count, sum, min, max, the average, or a histogram's number of values. */
        public long value(Entry e) {
            return value(kind, e);
        }

        private static long value(AggregationKind kind, Entry e) {
            return switch (kind) {
                case COUNT, HIST, LHIST -> e.count();
                case SUM -> e.sum();
                case MIN -> e.min();
                case MAX -> e.max();
                case AVG, STATS -> e.average();
            };
        }

        /** Whether this is a single aggregation rather than a table of them. */
        public boolean isScalar() {
            return entries.size() == 1 && entries.get(0).key() == null;
        }

        /** The entry's buckets from its first to its last non-empty one (empty for other kinds). */
        public List<Bucket> buckets(Entry e) {
            List<Bucket> out = new ArrayList<>(e.buckets().size());
            for (int i = 0; i < e.buckets().size(); i++) {
                out.add(bucket(e.firstBucket() + i, e.buckets().get(i)));
            }
            return out;
        }

        private Bucket bucket(int i, long count) {
            if (kind == AggregationKind.HIST) {
                return switch (i) {
                    case 0 -> new Bucket(null, -1L, "(..., 0)", count);
                    case 1 -> new Bucket(0L, 0L, "[0]", count);
                    case 2 -> new Bucket(1L, 1L, "[1]", count);
                    default -> new Bucket(1L << (i - 2), (1L << (i - 2)) * 2 - 1,
                            "[" + powerLabel(i - 2) + ", " + powerLabel(i - 1) + ")", count);
                };
            }
            int n = AggregationKind.lhistBuckets(lhistMin, lhistMax, lhistStep);
            if (i == 0) {
                return new Bucket(null, lhistMin - 1, "(..., " + linearLabel(lhistMin) + ")", count);
            } else if (i == n + 1) {
                return new Bucket(lhistMax, null, "[" + linearLabel(lhistMax) + ", ...)", count);
            }
            long low = lhistMin + (i - 1) * lhistStep;
            return new Bucket(low, low + lhistStep - 1, "[" + linearLabel(low) + ", " + linearLabel(low + lhistStep)
                    + ")", count);
        }

        /** {@code 2^p} with bpftrace's suffixes: 1, 2, ... 512, 1K, ... 512K, 1M, ... 8E. */
        static String powerLabel(int p) {
            return (1L << (p % 10)) + (p < 10 ? "" : String.valueOf("KMGTPE".charAt(p / 10 - 1)));
        }

        /** A linear bucket bound as bpftrace shows it: a multiple of 1M as {@code NM}, of 1K as {@code NK}. */
        static String linearLabel(long v) {
            if (v != 0 && v % (1L << 20) == 0) {
                return v / (1L << 20) + "M";
            } else if (v != 0 && v % 1024 == 0) {
                return v / 1024 + "K";
            }
            return Long.toString(v);
        }

        /** {@code @name} or {@code @name[key]}. */
        private String label(Entry e) {
            return "@" + name + (e.key() == null ? "" : "[" + e.key() + "]");
        }

        /**
         * bpftrace's text: {@code @x: 3} (count, sum, min, max, avg), {@code @x: count 2, average 3,
         * total 7} (stats), or {@code @x: } and one bucket line per bucket (histograms), with
         * {@code [key]} after the name for each entry of a table; avg and stats maps end with an
         * empty line, histograms with one after each entry.
         */
        @Override
        public String text() {
            StringBuilder sb = new StringBuilder();
            for (Entry e : entries) {
                sb.append(label(e)).append(": ");
                switch (kind) {
                    case STATS -> sb.append("count ").append(e.count()).append(", average ").append(e.average())
                            .append(", total ").append(e.sum()).append('\n');
                    case HIST, LHIST -> {
                        sb.append('\n');
                        long most = 0;
                        for (long c : e.buckets()) {
                            most = Math.max(most, c);
                        }
                        for (Bucket b : buckets(e)) {
                            sb.append(String.format("%-16s%8d |%-" + BAR_WIDTH + "s|\n", b.label(), b.count(),
                                    "@".repeat(bar(b.count(), most))));
                        }
                        sb.append('\n');
                    }
                    default -> sb.append(value(e)).append('\n');
                }
            }
            if (kind == AggregationKind.AVG || kind == AggregationKind.STATS) {
                sb.append('\n');
            }
            return sb.toString();
        }

        /** {@code count * BAR_WIDTH / most}, exactly, without overflow. */
        static int bar(long count, long most) {
            if (count <= 0 || most <= 0) {
                return 0;
            }
            return java.math.BigInteger.valueOf(count).multiply(java.math.BigInteger.valueOf(BAR_WIDTH))
                    .divide(java.math.BigInteger.valueOf(most)).min(java.math.BigInteger.valueOf(BAR_WIDTH)).intValue();
        }
    }

    /**
     * A typed record written by {@code emit}: the schema's name, its field names and the values
     * ({@link Long}, {@link String}, {@link Boolean} or {@code null}), in schema order.
     */
    record Emit(int cpu, long timestampNanos, String schema, List<String> names, List<Object> values)
            implements TraceOutput {
        public Emit {
            Objects.requireNonNull(schema, "schema");
            names = List.copyOf(names);
            values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
            if (names.size() != values.size()) {
                throw new IllegalArgumentException("schema " + schema + " has " + names.size() + " fields, not "
                        + values.size());
            }
        }

        /**
         * Decodes this record into an instance of {@code type} through its canonical constructor,
         * matching components to fields by name. {@code long}/{@code int}/{@code short}/{@code byte}
         * components take numbers, {@code boolean} booleans, {@code String} strings.
         *
         * @throws IllegalArgumentException if a component has no field or a value does not fit
         */
        public <R extends Record> R as(Class<R> type) {
            Decoder d = Decoder.OF.get(type);
            Object[] args = new Object[d.names.length];
            boolean inOrder = names.size() == d.names.length;
            for (int i = 0; i < args.length && inOrder; i++) {
                inOrder = names.get(i).equals(d.names[i]);
            }
            for (int i = 0; i < args.length; i++) {
                int at = inOrder ? i : names.indexOf(d.names[i]);
                if (at < 0) {
                    throw new IllegalArgumentException("record " + type.getSimpleName() + " component '" + d.names[i]
                            + "' is not a field of schema " + schema + " " + names);
                }
                args[i] = convert(values.get(at), d.types[i], d.names[i]);
            }
            try {
                return type.cast(d.constructor.newInstance(args));
            } catch (InvocationTargetException e) {
                throw new IllegalArgumentException("record " + type.getSimpleName() + " rejected " + this, e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot construct record " + type.getName(), e);
            }
        }

        /** A record class's canonical constructor and component names and types, looked up once. */
        private static final class Decoder {
            static final ClassValue<Decoder> OF = new ClassValue<>() {
                @Override
                protected Decoder computeValue(Class<?> type) {
                    return new Decoder(type);
                }
            };

            final String[] names;
            final Class<?>[] types;
            final Constructor<?> constructor;

            Decoder(Class<?> type) {
                RecordComponent[] components = type.getRecordComponents();
                if (components == null) {
                    throw new IllegalArgumentException(type.getName() + " is not a record class");
                }
                names = new String[components.length];
                types = new Class<?>[components.length];
                for (int i = 0; i < components.length; i++) {
                    names[i] = components[i].getName();
                    types[i] = components[i].getType();
                }
                try {
                    constructor = type.getDeclaredConstructor(types);
                    constructor.setAccessible(true);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalArgumentException("cannot use the canonical constructor of " + type.getName(), e);
                }
            }
        }

        private static Object convert(Object value, Class<?> to, String name) {
            if (to == long.class || to == Long.class) {
                return number(value, name, Long.MIN_VALUE, Long.MAX_VALUE, to.isPrimitive());
            } else if (to == int.class || to == Integer.class) {
                Long v = number(value, name, Integer.MIN_VALUE, Integer.MAX_VALUE, to.isPrimitive());
                return v == null ? null : (Object) v.intValue();
            } else if (to == short.class || to == Short.class) {
                Long v = number(value, name, Short.MIN_VALUE, Short.MAX_VALUE, to.isPrimitive());
                return v == null ? null : (Object) v.shortValue();
            } else if (to == byte.class || to == Byte.class) {
                Long v = number(value, name, Byte.MIN_VALUE, Byte.MAX_VALUE, to.isPrimitive());
                return v == null ? null : (Object) v.byteValue();
            } else if (to == boolean.class || to == Boolean.class) {
                if (value == null && to.isPrimitive()) {
                    throw new IllegalArgumentException("field " + name + " is nil");
                }
                if (value != null && !(value instanceof Boolean)) {
                    throw new IllegalArgumentException("field " + name + " is not a boolean: " + value);
                }
                return value;
            } else if (to == String.class || to == CharSequence.class) {
                return value == null ? null : value.toString();
            } else if (to == Object.class) {
                return value;
            }
            throw new IllegalArgumentException("unsupported record component type " + to.getName() + " for " + name);
        }

        private static Long number(Object value, String name, long min, long max, boolean primitive) {
            if (value == null) {
                if (primitive) {
                    throw new IllegalArgumentException("field " + name + " is nil");
                }
                return null;
            }
            if (!(value instanceof Long l)) {
                throw new IllegalArgumentException("field " + name + " is not a number: " + value);
            }
            if (l < min || l > max) {
                throw new IllegalArgumentException("field " + name + " = " + l + " does not fit");
            }
            return l;
        }

        /** {@code schema{name=value, ...}} and a newline. */
        @Override
        public String text() {
            StringBuilder sb = new StringBuilder(schema).append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                sb.append(names.get(i)).append('=').append(values.get(i) == null ? "nil" : values.get(i));
            }
            return sb.append("}\n").toString();
        }
    }

    /**
     * A runtime error that stopped the script: division by zero, a type error, a broken limit.
     *
     * @param file the script's name, or empty when unknown
     * @param line the source line of the failing instruction, or 0 when unknown
     */
    record RuntimeError(int cpu, long timestampNanos, String message, String file, int line) implements TraceOutput {
        public RuntimeError {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(file, "file");
        }

        /** {@code file:line: message}, or less when the location is unknown. */
        public String location() {
            if (line <= 0) {
                return file.isEmpty() ? "" : file + ": ";
            }
            return (file.isEmpty() ? "line " + line : file + ":" + line) + ": ";
        }

        /** {@code error: file:line: message} and a newline. */
        @Override
        public String text() {
            return "error: " + location() + message + "\n";
        }
    }

    /** Records dropped on a CPU because its ring was full: counted, never silent. */
    record Lost(int cpu, long timestampNanos, long count) implements TraceOutput {
        public Lost {
            if (count <= 0) {
                throw new IllegalArgumentException("a lost record counts at least one, not " + count);
            }
        }

        @Override
        public String text() {
            return "lost " + count + " records on cpu " + cpu + "\n";
        }
    }
}
