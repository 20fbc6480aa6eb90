package io.ktap.kernel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A flyweight over one record in a mapped ring, valid only during the
 * {@link RecordHandler#onRecord(RecordView)} call that receives it: reading it allocates nothing.
 * {@link RecordDecoder#decode(RecordView)} copies a record out as an immutable
 * {@link io.ktap.trace.TraceOutput}.
 *
 * <p>The record layout (kernel-module.md, "Records"): a 16-byte header
 * {@code u32 len, u16 type, u16 cpu, u64 time_ns}, then {@code len - 16} payload bytes, all in native byte order.
 */
public final class RecordView {

    /** Bytes of a record header. */
    public static final int HEADER = 16;

    /** Record types ({@code enum ktap_rec_type}). */
    public static final int PRINT = 1;
    public static final int HISTOGRAM = 2;
    public static final int EMIT = 3;
    public static final int ERROR = 4;
    public static final int LOST = 5;
    public static final int EXIT = 6;
    public static final int AGGREGATION = 7;

    private ByteBuffer buffer;
    private int at;
    private int length;

    void set(ByteBuffer buffer, int at, int length) {
        this.buffer = buffer;
        this.at = at;
        this.length = length;
    }

    /** The record type: {@link #PRINT}, {@link #HISTOGRAM}, {@link #EMIT}, {@link #ERROR}, {@link #LOST}, {@link #EXIT}. */
    public int type() {
        return buffer.getShort(at + 4) & 0xffff;
    }

    /** The CPU that produced the record. */
    public int cpu() {
        return buffer.getShort(at + 6) & 0xffff;
    }

    /** When it was produced, in nanoseconds of the kernel's monotonic clock. */
    public long timestampNanos() {
        return buffer.getLong(at + 8);
    }

    /** Bytes of payload after the header. */
    public int payloadLength() {
        return length - HEADER;
    }

    public long payloadLong(int offset) {
        check(offset, 8);
        return buffer.getLong(at + HEADER + offset);
    }

    public int payloadInt(int offset) {
        check(offset, 4);
        return buffer.getInt(at + HEADER + offset);
    }

    public byte payloadByte(int offset) {
        check(offset, 1);
        return buffer.get(at + HEADER + offset);
    }

    /** Copies {@code len} payload bytes at {@code offset} into {@code dst}; no allocation. */
    public void copyPayload(int offset, byte[] dst, int dstOffset, int len) {
        check(offset, len);
        buffer.get(at + HEADER + offset, dst, dstOffset, len);
    }

    /** {@code len} payload bytes at {@code offset} decoded as UTF-8 (allocates the string). */
    public String payloadString(int offset, int len) {
        byte[] b = new byte[len];
        copyPayload(offset, b, 0, len);
        return new String(b, StandardCharsets.UTF_8);
    }

    private void check(int offset, int len) {
        if (offset < 0 || len < 0 || offset > payloadLength() - len) {
            throw new IndexOutOfBoundsException("payload bytes [" + offset + ", " + offset + " + " + len
                    + ") of a record with " + payloadLength());
        }
    }

    @Override
    public String toString() {
        return "RecordView[type=" + type() + ", cpu=" + cpu() + ", time=" + timestampNanos() + ", payload="
                + payloadLength() + "]";
    }
}
