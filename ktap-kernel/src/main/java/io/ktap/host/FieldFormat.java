package io.ktap.host;

import java.util.Objects;

/**
 * One field of a tracepoint's raw record, as its tracefs {@code format} file declares it:
 * {@code field:TYPE NAME;\toffset:O;\tsize:S;\tsigned:G;}.
 *
 * @param name      the field name ({@code prev_comm}, {@code filename})
 * @param type      the declared C type without the name ({@code char[16]}, {@code __data_loc char[]},
 *                  {@code const char *})
 * @param offset    byte offset in the raw record (the raw record starts with the common fields)
 * @param size      size in bytes of the field's slot in the record
 * @param signed    whether an integer field is signed
 * @param kind      how the slot is decoded
 * @param common    whether this is one of the {@code common_*} header fields
 */
public record FieldFormat(String name, String type, int offset, int size, boolean signed, Kind kind,
                          boolean common) {

    /** How a field's slot in the raw record is decoded. */
    public enum Kind {
        /** An integer (or pointer) of 1, 2, 4 or 8 bytes, signed or not. */
        INTEGER,
        /** A fixed {@code char name[N]} array holding a NUL-terminated string. */
        CHAR_ARRAY,
        /**
         * {@code __data_loc char[]}: a u32 whose low 16 bits are the string's offset from the start
         * of the raw record and whose high 16 bits its length (NUL included).
         */
        DATA_LOC_STRING,
        /** {@code __rel_loc char[]}: as {@link #DATA_LOC_STRING} but the offset counts from the end of the field. */
        REL_LOC_STRING,
        /** {@code __data_loc} of another element type: a dynamic array, exposed as bytes. */
        DATA_LOC_ARRAY,
        /** {@code __rel_loc} of another element type. */
        REL_LOC_ARRAY,
        /** A fixed array of a non-char type, or a slot of an unusual size: exposed as bytes. */
        BYTES
    }

    public FieldFormat {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kind, "kind");
        if (offset < 0 || size < 0) {
            throw new IllegalArgumentException("negative offset or size in field " + name);
        }
    }

    /** Whether the field decodes as a string ({@code char[N]}, {@code __data_loc char[]}, {@code __rel_loc char[]}). */
    public boolean isString() {
        return kind == Kind.CHAR_ARRAY || kind == Kind.DATA_LOC_STRING || kind == Kind.REL_LOC_STRING;
    }

    /** Whether the field's slot is a u32 locator of data stored later in the record. */
    public boolean isDynamic() {
        return kind == Kind.DATA_LOC_STRING || kind == Kind.REL_LOC_STRING
                || kind == Kind.DATA_LOC_ARRAY || kind == Kind.REL_LOC_ARRAY;
    }

    /** Whether the locator of a dynamic field is relative to the end of the field. */
    public boolean isRelative() {
        return kind == Kind.REL_LOC_STRING || kind == Kind.REL_LOC_ARRAY;
    }
}
