package io.ktap.bytecode;

import io.ktap.trace.RecordType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The layout of a typed record written by {@link Opcode#EMIT}: a name (typically the Java record
 * class's simple name) and its typed fields, in order. Names are byte strings (chars 0-255), as in
 * the chunk.
 */
public record RecordSchema(String name, List<Field> fields) {

    public RecordSchema {
        Bytes.requireBytes(name, "schema name");
        fields = List.copyOf(fields);
    }

    /** The schema of a record type declared from Java (names encoded as UTF-8). */
    public static RecordSchema of(RecordType type) {
        List<Field> fields = new ArrayList<>(type.fields().size());
        for (RecordType.Field f : type.fields()) {
            fields.add(new Field(Bytes.fromText(f.name()), switch (f.kind()) {
                case NUMBER -> FieldType.NUMBER;
                case STRING -> FieldType.STRING;
                case BOOLEAN -> FieldType.BOOLEAN;
            }));
        }
        return new RecordSchema(Bytes.fromText(type.name()), fields);
    }

    /** The field names as text, in order. */
    public List<String> fieldNames() {
        List<String> names = new ArrayList<>(fields.size());
        for (Field f : fields) {
            names.add(Bytes.toText(f.name()));
        }
        return names;
    }

    /** One field: its name and type. */
    public record Field(String name, FieldType type) {
        public Field {
            Bytes.requireBytes(name, "field name");
            Objects.requireNonNull(type, "type");
        }
    }

    /** Field types and their payload encodings; {@link #code()} is the byte in the format. */
    public enum FieldType {
        /** A number: 8 bytes, little-endian two's complement. */
        NUMBER(1),
        /** A string: u32 length, then the bytes. */
        STRING(2),
        /** A boolean: 1 byte, 0 or 1. */
        BOOLEAN(3),
        /**
         * Any of nil, a number, a string or a boolean (the fields of a record type inferred from an
         * {@code emit} call): a 1-byte tag (0 nil, 1 number, 2 string, 3 boolean) and then the value
         * encoded as for that type (nothing for nil).
         */
        ANY(4);

        private final int code;

        FieldType(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Optional<FieldType> byCode(int code) {
            for (FieldType t : values()) {
                if (t.code == code) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }
}
