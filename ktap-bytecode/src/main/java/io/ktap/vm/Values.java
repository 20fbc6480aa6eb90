package io.ktap.vm;

/**
 * The VM's value representation. A value is a pair (ref, num) kept in two parallel arrays, so
 * integers never box:
 *
 * <table>
 * <caption>value encoding</caption>
 * <tr><th>type</th><th>ref</th><th>num</th></tr>
 * <tr><td>nil</td><td>{@code null}</td><td>-</td></tr>
 * <tr><td>number</td><td>{@link #INT}</td><td>the 64-bit integer</td></tr>
 * <tr><td>boolean</td><td>{@link Boolean#TRUE} / {@link Boolean#FALSE}</td><td>-</td></tr>
 * <tr><td>string</td><td>a {@link KString}</td><td>-</td></tr>
 * <tr><td>table</td><td>a {@link KTable}</td><td>-</td></tr>
 * <tr><td>function</td><td>a {@link KFunction}</td><td>-</td></tr>
 * <tr><td>event</td><td>a {@link KEvent}</td><td>-</td></tr>
 * <tr><td>aggregation</td><td>a {@link KAgg}</td><td>-</td></tr>
 * </table>
 *
 * The num half of a non-number is meaningless and never read.
 */
public final class Values {

    /** The ref half of every number. */
    public static final Object INT = new Object() {
        @Override
        public String toString() {
            return "<int>";
        }
    };

    private Values() {
    }

    /** The type's name as error messages use it: nil, boolean, number, string, table, function, event, aggregation. */
    public static String typeName(Object ref) {
        if (ref == null) {
            return "nil";
        } else if (ref == INT) {
            return "number";
        } else if (ref instanceof Boolean) {
            return "boolean";
        } else if (ref instanceof KString) {
            return "string";
        } else if (ref instanceof KTable) {
            return "table";
        } else if (ref instanceof KFunction) {
            return "function";
        } else if (ref instanceof KEvent) {
            return "event";
        } else if (ref instanceof KAgg) {
            return "aggregation";
        }
        return ref.getClass().getSimpleName();
    }

    /** ktap truthiness: only nil and false are false. */
    public static boolean truthy(Object ref) {
        return ref != null && ref != Boolean.FALSE;
    }

    /** Raw equality: same type and same value; strings by content, tables and functions by identity. */
    public static boolean equal(Object ar, long an, Object br, long bn) {
        if (ar == INT) {
            return br == INT && an == bn;
        }
        if (ar == br) {
            return true;
        }
        return ar instanceof KString && ar.equals(br);
    }

    /** The value as {@code print} shows it. */
    public static String display(Object ref, long num) {
        if (ref == INT) {
            return Long.toString(num);
        } else if (ref == null) {
            return "nil";
        } else if (ref instanceof Boolean b) {
            return b ? "true" : "false";
        }
        return ref.toString();
    }

    /** The value as {@code print} writes it, as bytes (strings are written byte for byte). */
    public static byte[] displayBytes(Object ref, long num) {
        if (ref instanceof KString s) {
            return s.bytes();
        }
        return display(ref, num).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * The value as a plain Java object, for users of the API: {@code null}, {@link Long},
     * {@link Boolean}, {@link String} (UTF-8 decoded), {@link java.util.Map} for tables (keys
     * converted likewise, in iteration order), a {@link io.ktap.trace.TraceOutput.Aggregation} of one
     * entry (cpu and timestamp 0) for an aggregation, or the {@link KFunction}/{@link KEvent} itself.
     */
    public static Object toJava(Object ref, long num) {
        if (ref == INT) {
            return num;
        } else if (ref instanceof KAgg g) {
            return Aggregations.single(g, 0, 0);
        } else if (ref instanceof KString s) {
            return s.toString();
        } else if (ref instanceof KTable t) {
            return t.toJava();
        }
        return ref;
    }

    /** The inverse of {@link #toJava}: puts a Java value into {@code refs[i]}/{@code nums[i]}. */
    public static void fromJava(Object value, Object[] refs, long[] nums, int i) {
        if (value == null) {
            refs[i] = null;
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            refs[i] = INT;
            nums[i] = ((Number) value).longValue();
        } else if (value instanceof Boolean b) {
            refs[i] = b;
        } else if (value instanceof CharSequence s) {
            refs[i] = KString.of(s.toString());
        } else if (value instanceof byte[] b) {
            refs[i] = KString.of(b);
        } else if (value instanceof KString || value instanceof KTable || value instanceof KFunction
                || value instanceof KEvent) {
            refs[i] = value;
        } else {
            throw new IllegalArgumentException("no ktap value for " + value.getClass().getName() + ": " + value);
        }
    }
}
