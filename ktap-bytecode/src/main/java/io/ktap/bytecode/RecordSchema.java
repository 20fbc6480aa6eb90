package io.ktap.bytecode;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The layout of a typed record written by {@link Opcode#EMIT}: a name (typically the Java record
 * class's name) and its typed fields, in order.
 */
public record RecordSchema(String name, List<Field> fields) {

    public RecordSchema {
        Bytes.requireBytes(name, "schema name");
        fields = List.copyOf(fields);
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
        BOOLEAN(3);

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
