package io.ktap.trace;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The schema of a typed record as a Java record class describes it: its name (the class's simple
 * name, which {@code emit("Name", ...)} writes) and its components' names and kinds, in declaration
 * order. Programs declare the record types they emit with
 * {@link TraceProgram.Source#withRecords(Class[])}; the code generator turns each into the chunk's
 * schema, and {@link TraceSession#onRecord(Class, java.util.function.Consumer)} decodes what arrives
 * through the class's canonical constructor.
 *
 * <p>Component types: {@code long}, {@code int}, {@code short}, {@code byte} and their boxes are
 * {@link Kind#NUMBER} fields (a value out of the component's range is a decoding error);
 * {@code boolean}/{@link Boolean} are {@link Kind#BOOLEAN}; {@link String} is {@link Kind#STRING}.
 * The VM never writes nil into a typed field, so a boxed component is never null.
 *
 * @param name   the record's name in scripts and on the wire
 * @param fields the fields, in component order (1..255 of them, distinct names)
 */
public record RecordType(String name, List<Field> fields) {

    /** The most fields a record may have (an 8-bit count in the instruction). */
    public static final int MAX_FIELDS = 255;

    private static final ClassValue<RecordType> OF_CLASS = new ClassValue<>() {
        @Override
        protected RecordType computeValue(Class<?> type) {
            return describe(type);
        }
    };

    public RecordType {
        Objects.requireNonNull(name, "name");
        fields = List.copyOf(fields);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a record type needs a name");
        }
        if (fields.isEmpty() || fields.size() > MAX_FIELDS) {
            throw new IllegalArgumentException("record type " + name + " has " + fields.size()
                    + " fields; a record has 1.." + MAX_FIELDS);
        }
        for (int i = 0; i < fields.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (fields.get(i).name().equals(fields.get(j).name())) {
                    throw new IllegalArgumentException("record type " + name + " has two fields named "
                            + fields.get(i).name());
                }
            }
        }
    }

    /** What a field holds. */
    public enum Kind {
        /** A 64-bit integer. */
        NUMBER,
        /** A string. */
        STRING,
        /** A boolean. */
        BOOLEAN
    }

    /** One field: its name and kind. */
    public record Field(String name, Kind kind) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** The field names, in order. */
    public List<String> fieldNames() {
        List<String> names = new ArrayList<>(fields.size());
        for (Field f : fields) {
            names.add(f.name());
        }
        return names;
    }

    /**
     * The record type a Java record class describes (computed once per class).
     *
     * @throws IllegalArgumentException if {@code type} is not a record class, has no components, more
     *                                  than {@link #MAX_FIELDS}, or a component of another type than
     *                                  those listed above
     */
    public static RecordType of(Class<? extends Record> type) {
        Objects.requireNonNull(type, "type");
        return OF_CLASS.get(type);
    }

    private static RecordType describe(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record class");
        }
        RecordComponent[] components = type.getRecordComponents();
        if (components.length == 0 || components.length > MAX_FIELDS) {
            throw new IllegalArgumentException("record " + type.getName() + " has " + components.length
                    + " components; a typed record has 1.." + MAX_FIELDS);
        }
        List<Field> fields = new ArrayList<>(components.length);
        for (RecordComponent c : components) {
            fields.add(new Field(c.getName(), kindOf(type, c)));
        }
        return new RecordType(type.getSimpleName(), fields);
    }

    private static Kind kindOf(Class<?> record, RecordComponent c) {
        Class<?> t = c.getType();
        if (t == long.class || t == int.class || t == short.class || t == byte.class || t == Long.class
                || t == Integer.class || t == Short.class || t == Byte.class) {
            return Kind.NUMBER;
        } else if (t == boolean.class || t == Boolean.class) {
            return Kind.BOOLEAN;
        } else if (t == String.class) {
            return Kind.STRING;
        }
        throw new IllegalArgumentException("record " + record.getName() + " component '" + c.getName() + "' is a "
                + t.getName() + ": a typed record's components are long, int, short, byte, boolean (or their"
                + " boxes) or String");
    }
}
