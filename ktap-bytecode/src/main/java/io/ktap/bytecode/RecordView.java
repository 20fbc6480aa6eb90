package io.ktap.bytecode;

import io.ktap.trace.TraceOutput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A reusable, zero-copy view of typed records in the ring format (the payload of an {@code EMIT}
 * record, kernel-module.md): {@code u32 schema, u32 0}, then each field of the schema, packed. It is
 * the hot path's flyweight: {@link #wrap} points it at a payload in a (mapped or heap) buffer and
 * checks the payload's structure once; the getters then read single fields in place, and only
 * {@link #getString(int)} and {@link #toEmit} allocate. {@link #toEmit} copies the record out for
 * keeping.
 *
 * <pre>{@code
 * RecordView view = new RecordView(chunk.schemas());
 * for (each EMIT record at offset, length in the ring) {
 *     view.wrap(ring, offset, length);
 *     if (view.schemaIndex() == openIndex) {
 *         count(view.getLong(0));
 *     }
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one view per reading thread.
 */
public final class RecordView {

    private static final byte TAG_NIL = 0;

    private final List<RecordSchema> schemas;
    private final String[] schemaNames;
    private final List<List<String>> fieldNames;
    /** Per field: the offset of its value (after an {@code any} field's tag), in the buffer. */
    private final int[] offsets = new int[Ins.MAX_ABC + 1];
    /** Per field: the value's type ({@link RecordSchema.FieldType#code()}; 0 for nil). */
    private final byte[] types = new byte[Ins.MAX_ABC + 1];
    private ByteBuffer buffer;
    private int schema = -1;

    /** A view decoding records of {@code schemas} (a chunk's, in chunk order). */
    public RecordView(List<RecordSchema> schemas) {
        this.schemas = List.copyOf(schemas);
        this.schemaNames = new String[this.schemas.size()];
        List<List<String>> names = new ArrayList<>(this.schemas.size());
        for (int i = 0; i < schemaNames.length; i++) {
            schemaNames[i] = Bytes.toText(this.schemas.get(i).name());
            names.add(List.copyOf(this.schemas.get(i).fieldNames()));
        }
        this.fieldNames = List.copyOf(names);
    }

    /**
     * Points this view at the payload of {@code length} bytes at {@code offset} in {@code buffer}
     * (little-endian; its position and limit are not used or changed).
     *
     * @return this view
     * @throws IllegalArgumentException if the buffer is big-endian, or the payload names no schema
     *                                  or does not hold exactly its fields
     */
    public RecordView wrap(ByteBuffer buffer, int offset, int length) {
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("records are little-endian: set the buffer's order");
        }
        if (offset < 0 || length < 8 || offset > buffer.capacity() - length) {
            throw new IllegalArgumentException("a record payload of " + length + " bytes at " + offset
                    + " does not fit a buffer of " + buffer.capacity());
        }
        this.schema = -1;
        int index = buffer.getInt(offset);
        if (index < 0 || index >= schemas.size()) {
            throw new IllegalArgumentException("record names schema " + Integer.toUnsignedString(index) + " of "
                    + schemas.size());
        }
        int end = offset + length;
        int at = offset + 8;
        List<RecordSchema.Field> fields = schemas.get(index).fields();
        for (int i = 0; i < fields.size(); i++) {
            byte type = (byte) fields.get(i).type().code();
            if (type == RecordSchema.FieldType.ANY.code()) {
                need(at, 1, end, i);
                type = buffer.get(at++);
                if (type < TAG_NIL || type > RecordSchema.FieldType.BOOLEAN.code()) {
                    throw new IllegalArgumentException("field " + i + " has the unknown tag " + type);
                }
            }
            types[i] = type;
            offsets[i] = at;
            at += switch (type) {
                case TAG_NIL -> 0;
                case 1 -> need(at, 8, end, i);
                case 2 -> {
                    need(at, 4, end, i);
                    int n = buffer.getInt(at);
                    if (n < 0) {
                        throw new IllegalArgumentException("field " + i + " is a string of " + Integer.toUnsignedString(n)
                                + " bytes");
                    }
                    yield 4 + need(at + 4, n, end, i);
                }
                default -> need(at, 1, end, i);
            };
        }
        if (at != end) {
            throw new IllegalArgumentException("record of schema " + index + " ends at byte " + (at - offset) + " of "
                    + length);
        }
        this.buffer = buffer;
        this.schema = index;
        return this;
    }

    private static int need(int at, int n, int end, int field) {
        if (n > end - at) {
            throw new IllegalArgumentException("field " + field + " needs " + n + " bytes, " + (end - at) + " remain");
        }
        return n;
    }

    /** The schema's index in the chunk. */
    public int schemaIndex() {
        requireWrapped();
        return schema;
    }

    /** The schema's (record type's) name. */
    public String schema() {
        return schemaNames[schemaIndex()];
    }

    public int fieldCount() {
        return schemas.get(schemaIndex()).fields().size();
    }

    public String fieldName(int i) {
        return fieldNames.get(schemaIndex()).get(check(i));
    }

    /** Whether field {@code i} is nil (only a field of type {@code any} can be). */
    public boolean isNil(int i) {
        return types[check(i)] == TAG_NIL;
    }

    /** Field {@code i} as a number. @throws IllegalStateException if it holds no number */
    public long getLong(int i) {
        expect(i, RecordSchema.FieldType.NUMBER);
        return buffer.getLong(offsets[i]);
    }

    /** Field {@code i} as a boolean. @throws IllegalStateException if it holds no boolean */
    public boolean getBoolean(int i) {
        expect(i, RecordSchema.FieldType.BOOLEAN);
        return buffer.get(offsets[i]) != 0;
    }

    /** Field {@code i}'s string, decoded from UTF-8. @throws IllegalStateException if it holds no string */
    public String getString(int i) {
        expect(i, RecordSchema.FieldType.STRING);
        int n = buffer.getInt(offsets[i]);
        byte[] bytes = new byte[n];
        buffer.get(offsets[i] + 4, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Field {@code i} as a {@link Long}, {@link String}, {@link Boolean} or {@code null}. */
    public Object get(int i) {
        return switch (types[check(i)]) {
            case TAG_NIL -> null;
            case 1 -> getLong(i);
            case 2 -> getString(i);
            default -> getBoolean(i);
        };
    }

    /** A copy of the record, for keeping. */
    public TraceOutput.Emit toEmit(int cpu, long timestampNanos) {
        Object[] values = new Object[fieldCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = get(i);
        }
        return new TraceOutput.Emit(cpu, timestampNanos, schema(), fieldNames.get(schema), Arrays.asList(values));
    }

    private void requireWrapped() {
        if (schema < 0) {
            throw new IllegalStateException("the view is not wrapped around a record");
        }
    }

    private int check(int i) {
        int n = fieldCount();
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("field " + i + " of " + n);
        }
        return i;
    }

    private void expect(int i, RecordSchema.FieldType type) {
        if (types[check(i)] != type.code()) {
            throw new IllegalStateException("field " + fieldName(i) + " of " + schema() + " holds "
                    + (types[i] == TAG_NIL ? "nil" : RecordSchema.FieldType.byCode(types[i]).orElseThrow().name()
                    .toLowerCase(java.util.Locale.ROOT)) + ", not a " + type.name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
