package io.ktap.trace;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a running program produces, as the user receives it: printed text, histograms, typed
 * records, runtime errors and lost counts. Every backend delivers the same values for the same
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
