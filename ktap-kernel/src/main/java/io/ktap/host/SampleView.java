package io.ktap.host;

import io.ktap.host.internal.SampleLayout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A zero-copy, reusable view of one PERF_RECORD_SAMPLE, valid only during the
 * {@link SampleHandler#onSample} call that received it: it reads straight from the mapped ring (or
 * from the scratch copy of a record that wrapped around the ring's end). No accessor allocates
 * except {@link #string}, {@link #bytes} and {@link #toSample}.
 *
 * <p>Field accessors take a {@link FieldFormat} of the sample's {@link EventFormat}; offsets are the
 * format's, relative to the start of the raw data (the raw data starts with the common fields).
 * Reads outside the raw data throw {@link IndexOutOfBoundsException}: a format that does not
 * belong to the sample's event is a programming error.
 */
public final class SampleView {
    private ByteBuffer buffer;
    private int base;
    private int size;
    private int ringCpu;
    private AttachedEvent event;
    private SampleLayout layout;
    private int rawData = -1;   // absolute offset of the raw bytes, after the u32 size
    private int rawSize;

    SampleView() {
    }

    void reset(ByteBuffer buffer, int base, int size, int ringCpu, AttachedEvent event, SampleLayout layout) {
        this.buffer = buffer;
        this.base = base;
        this.size = size;
        this.ringCpu = ringCpu;
        this.event = event;
        this.layout = layout;
        int rawAt = layout.raw;
        if (layout.hasRaw && rawAt < 0) {
            int nr = (int) buffer.getLong(base + layout.callchain);
            rawAt = layout.callchain + 8 + 8 * nr;
        }
        if (rawAt >= 0 && rawAt + 4 <= size) {
            rawSize = buffer.getInt(base + rawAt);
            rawData = base + rawAt + 4;
            if (rawAt + 4 + rawSize > size) {
                throw new IllegalStateException("raw data overruns its sample record");
            }
        } else {
            rawSize = 0;
            rawData = -1;
        }
    }

    /** The event that produced this sample. */
    public AttachedEvent event() {
        return event;
    }

    /** Total record length in bytes. */
    public int recordSize() {
        return size;
    }

    /** The kernel's id of the perf event that wrote the sample (PERF_SAMPLE_IDENTIFIER). */
    public long eventId() {
        return buffer.getLong(base + layout.id);
    }

    /** The process (thread group) id of the task the event fired in. */
    public int pid() {
        return layout.tid < 0 ? -1 : buffer.getInt(base + layout.tid);
    }

    /** The thread id of the task the event fired in. */
    public int tid() {
        return layout.tid < 0 ? -1 : buffer.getInt(base + layout.tid + 4);
    }

    /** Timestamp in nanoseconds of CLOCK_MONOTONIC (comparable with {@link System#nanoTime()} on Linux). */
    public long time() {
        return layout.time < 0 ? 0 : buffer.getLong(base + layout.time);
    }

    /** The CPU the event fired on. */
    public int cpu() {
        return layout.cpu < 0 ? ringCpu : buffer.getInt(base + layout.cpu);
    }

    /** The instruction pointer when the event fired (0 unless the tracer samples IPs). */
    public long ip() {
        return layout.ip < 0 ? 0 : buffer.getLong(base + layout.ip);
    }

    /** The events this sample stands for (its period; 0 unless the tracer samples periods). */
    public long period() {
        return layout.period < 0 ? 0 : buffer.getLong(base + layout.period);
    }

    /** Number of entries in the callchain (0 unless the tracer samples callchains). */
    public int callchainDepth() {
        return layout.callchain < 0 ? 0 : (int) buffer.getLong(base + layout.callchain);
    }

    /**
     * Entry {@code i} of the callchain, innermost first. Entries at or above
     * {@code PERF_CONTEXT_MAX} (-4095 unsigned) are context markers (kernel, user).
     */
    public long callchainIp(int i) {
        if (i < 0 || i >= callchainDepth()) {
            throw new IndexOutOfBoundsException("callchain index " + i + " of " + callchainDepth());
        }
        return buffer.getLong(base + layout.callchain + 8 + 8 * i);
    }

    /** Length of the raw tracepoint data (which may include trailing alignment padding); 0 when absent. */
    public int rawSize() {
        return rawSize;
    }

    /** The {@code common_type} of the raw record: the tracefs id of the event. */
    public int commonType() {
        return rawU16(0);
    }

    /** The {@code common_pid} of the raw record. */
    public int commonPid() {
        return rawI32(4);
    }

    /** Decodes an integer field (1, 2, 4 or 8 bytes; sign-extended if the field is signed). */
    public long integer(FieldFormat field) {
        return rawInteger(field.offset(), field.size(), field.signed());
    }

    /** Reads an integer of {@code size} bytes at {@code offset} into the raw data. */
    public long rawInteger(int offset, int size, boolean signed) {
        check(offset, size);
        int at = rawData + offset;
        return switch (size) {
            case 1 -> signed ? buffer.get(at) : buffer.get(at) & 0xffL;
            case 2 -> signed ? buffer.getShort(at) : buffer.getShort(at) & 0xffffL;
            case 4 -> signed ? buffer.getInt(at) : buffer.getInt(at) & 0xffff_ffffL;
            case 8 -> buffer.getLong(at);
            default -> throw new IllegalArgumentException("not an integer size: " + size);
        };
    }

    private int rawU16(int offset) {
        check(offset, 2);
        return buffer.getShort(rawData + offset) & 0xffff;
    }

    private int rawI32(int offset) {
        check(offset, 4);
        return buffer.getInt(rawData + offset);
    }

    /**
     * Length in bytes of a string field's text, without the terminating NUL: a fixed
     * {@code char[N]} array up to its first NUL, or a {@code __data_loc}/{@code __rel_loc} string.
     */
    public int stringLength(FieldFormat field) {
        int start = stringStart(field);
        int limit = stringLimit(field, start);
        int end = start;
        while (end < limit && buffer.get(end) != 0) {
            end++;
        }
        return end - start;
    }

    /**
     * Copies a string field's bytes (no NUL) into {@code dst} without allocating.
     *
     * @return the number of bytes copied: min(stringLength, dst.length)
     */
    public int stringBytes(FieldFormat field, byte[] dst) {
        int start = stringStart(field);
        int n = Math.min(stringLength(field), dst.length);
        buffer.get(start, dst, 0, n);
        return n;
    }

    /** Decodes a string field as UTF-8 (allocates). */
    public String string(FieldFormat field) {
        byte[] bytes = new byte[stringLength(field)];
        buffer.get(stringStart(field), bytes, 0, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A copy of a field's bytes: the slot for fixed fields, the referenced data for dynamic ones. */
    public byte[] bytes(FieldFormat field) {
        int start;
        int length;
        if (field.isDynamic()) {
            long loc = rawInteger(field.offset(), 4, false);
            start = locStart(field, loc);
            length = (int) (loc >>> 16);
            check(start - rawData, length);
        } else {
            check(field.offset(), field.size());
            start = rawData + field.offset();
            length = field.size();
        }
        byte[] bytes = new byte[length];
        buffer.get(start, bytes, 0, length);
        return bytes;
    }

    private int stringStart(FieldFormat field) {
        if (!field.isString()) {
            throw new IllegalArgumentException("field " + field.name() + " (" + field.type() + ") is not a string");
        }
        if (field.kind() == FieldFormat.Kind.CHAR_ARRAY) {
            check(field.offset(), field.size());
            return rawData + field.offset();
        }
        long loc = rawInteger(field.offset(), 4, false);
        int start = locStart(field, loc);
        check(start - rawData, (int) (loc >>> 16));
        return start;
    }

    private int stringLimit(FieldFormat field, int start) {
        if (field.kind() == FieldFormat.Kind.CHAR_ARRAY) {
            return start + field.size();
        }
        return start + (int) (rawInteger(field.offset(), 4, false) >>> 16);
    }

    private int locStart(FieldFormat field, long loc) {
        int offset = (int) (loc & 0xffff);
        return rawData + offset + (field.isRelative() ? field.offset() + 4 : 0);
    }

    private void check(int offset, int length) {
        if (rawData < 0) {
            throw new IndexOutOfBoundsException("sample of " + event + " has no raw data");
        }
        if (offset < 0 || length < 0 || offset + length > rawSize) {
            throw new IndexOutOfBoundsException("raw read [" + offset + ", " + (offset + length)
                    + ") outside raw data of " + rawSize + " bytes");
        }
    }

    /** Copies the sample out of the ring into an immutable {@link Sample} (allocates). */
    public Sample toSample() {
        long[] chain = new long[callchainDepth()];
        for (int i = 0; i < chain.length; i++) {
            chain[i] = callchainIp(i);
        }
        byte[] raw = new byte[rawSize];
        if (rawSize > 0) {
            buffer.get(rawData, raw, 0, rawSize);
        }
        return new Sample(event, cpu(), pid(), tid(), time(), ip(), chain, raw);
    }

    @Override
    public String toString() {
        return "SampleView[" + event + " cpu=" + cpu() + " pid=" + pid() + " tid=" + tid() + " time=" + time() + "]";
    }
}
