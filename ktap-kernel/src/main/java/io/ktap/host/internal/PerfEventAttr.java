package io.ktap.host.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@code struct perf_event_attr} laid out byte for byte (PERF_ATTR_SIZE_VER8, 136 bytes: what
 * kernels since 6.3 know; older kernels accept the larger size because the tail is zero). Written
 * with explicit offsets rather than a JNA {@code Structure} so the layout is visible and checked
 * by a test, and so that the anonymous unions and the flag bitfield are plain words.
 */
public final class PerfEventAttr {
    public static final int SIZE = 136;

    static final int OFF_TYPE = 0;
    static final int OFF_SIZE = 4;
    static final int OFF_CONFIG = 8;
    static final int OFF_SAMPLE_PERIOD = 16;
    static final int OFF_SAMPLE_TYPE = 24;
    static final int OFF_READ_FORMAT = 32;
    static final int OFF_FLAGS = 40;
    static final int OFF_WAKEUP = 48;
    static final int OFF_BP_TYPE = 52;
    static final int OFF_CONFIG1 = 56;
    static final int OFF_CONFIG2 = 64;
    static final int OFF_CLOCKID = 92;
    static final int OFF_SAMPLE_MAX_STACK = 108;

    private final ByteBuffer bytes = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());

    public PerfEventAttr(int type, long config) {
        bytes.putInt(OFF_TYPE, type);
        bytes.putInt(OFF_SIZE, SIZE);
        bytes.putLong(OFF_CONFIG, config);
    }

    public int type() {
        return bytes.getInt(OFF_TYPE);
    }

    public long config() {
        return bytes.getLong(OFF_CONFIG);
    }

    public PerfEventAttr samplePeriod(long period) {
        bytes.putLong(OFF_SAMPLE_PERIOD, period);
        return this;
    }

    public long samplePeriod() {
        return bytes.getLong(OFF_SAMPLE_PERIOD);
    }

    public PerfEventAttr sampleType(long sampleType) {
        bytes.putLong(OFF_SAMPLE_TYPE, sampleType);
        return this;
    }

    public long sampleType() {
        return bytes.getLong(OFF_SAMPLE_TYPE);
    }

    public PerfEventAttr readFormat(long readFormat) {
        bytes.putLong(OFF_READ_FORMAT, readFormat);
        return this;
    }

    public long readFormat() {
        return bytes.getLong(OFF_READ_FORMAT);
    }

    public PerfEventAttr flags(long flags) {
        bytes.putLong(OFF_FLAGS, flags);
        return this;
    }

    public long flags() {
        return bytes.getLong(OFF_FLAGS);
    }

    /** wakeup_events, or wakeup_watermark in bytes when {@link Perf#FLAG_WATERMARK} is set. */
    public PerfEventAttr wakeup(int value) {
        bytes.putInt(OFF_WAKEUP, value);
        return this;
    }

    public int wakeup() {
        return bytes.getInt(OFF_WAKEUP);
    }

    /** bp_type (HW_BREAKPOINT_R 1, W 2, X 4), which shares its word with wakeup_events' neighbour. */
    public PerfEventAttr bpType(int value) {
        bytes.putInt(OFF_BP_TYPE, value);
        return this;
    }

    /** A breakpoint's address (bp_addr, the config1 union). */
    public PerfEventAttr bpAddr(long value) {
        return config1(value);
    }

    /** A breakpoint's length in bytes (bp_len, the config2 union). */
    public PerfEventAttr bpLen(long value) {
        return config2(value);
    }

    public PerfEventAttr config1(long value) {
        bytes.putLong(OFF_CONFIG1, value);
        return this;
    }

    public PerfEventAttr config2(long value) {
        bytes.putLong(OFF_CONFIG2, value);
        return this;
    }

    /** Sets {@code use_clockid} and the clock samples are stamped with (e.g. CLOCK_MONOTONIC = 1). */
    public PerfEventAttr clockId(int clockId) {
        bytes.putLong(OFF_FLAGS, bytes.getLong(OFF_FLAGS) | Perf.FLAG_USE_CLOCKID);
        bytes.putInt(OFF_CLOCKID, clockId);
        return this;
    }

    public PerfEventAttr sampleMaxStack(int depth) {
        bytes.putShort(OFF_SAMPLE_MAX_STACK, (short) depth);
        return this;
    }

    /** A copy of the bytes as the kernel reads them. */
    public byte[] toBytes() {
        return bytes.array().clone();
    }
}
