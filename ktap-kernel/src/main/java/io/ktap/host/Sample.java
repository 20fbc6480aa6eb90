package io.ktap.host;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable copy of one sample, made by {@link SampleView#toSample()} for keeping beyond the
 * handler call. The arrays are copied in and out.
 *
 * @param event     the event that produced it
 * @param cpu       the CPU it fired on
 * @param pid       process id
 * @param tid       thread id
 * @param time      CLOCK_MONOTONIC nanoseconds
 * @param ip        instruction pointer (0 unless sampled)
 * @param callchain the callchain, innermost first (empty unless sampled)
 * @param raw       the raw tracepoint record (empty for profile samples)
 */
public record Sample(AttachedEvent event, int cpu, int pid, int tid, long time, long ip, long[] callchain,
                     byte[] raw) {
    public Sample {
        Objects.requireNonNull(event, "event");
        callchain = callchain.clone();
        raw = raw.clone();
    }

    @Override
    public long[] callchain() {
        return callchain.clone();
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    /** Decodes an integer field of the raw record. */
    public long integer(FieldFormat field) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        int at = field.offset();
        return switch (field.size()) {
            case 1 -> field.signed() ? b.get(at) : b.get(at) & 0xffL;
            case 2 -> field.signed() ? b.getShort(at) : b.getShort(at) & 0xffffL;
            case 4 -> field.signed() ? b.getInt(at) : b.getInt(at) & 0xffff_ffffL;
            case 8 -> b.getLong(at);
            default -> throw new IllegalArgumentException("not an integer field: " + field);
        };
    }

    /** Decodes a string field of the raw record as UTF-8. */
    public String string(FieldFormat field) {
        if (!field.isString()) {
            throw new IllegalArgumentException("not a string field: " + field);
        }
        int start;
        int limit;
        if (field.kind() == FieldFormat.Kind.CHAR_ARRAY) {
            start = field.offset();
            limit = start + field.size();
        } else {
            long loc = integer(new FieldFormat(field.name(), "u32", field.offset(), 4, false,
                    FieldFormat.Kind.INTEGER, field.common()));
            start = (int) (loc & 0xffff) + (field.isRelative() ? field.offset() + 4 : 0);
            limit = start + (int) (loc >>> 16);
        }
        int end = start;
        while (end < limit && raw[end] != 0) {
            end++;
        }
        return new String(raw, start, end - start, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s && event == s.event && cpu == s.cpu && pid == s.pid && tid == s.tid
                && time == s.time && ip == s.ip && Arrays.equals(callchain, s.callchain) && Arrays.equals(raw, s.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, cpu, pid, tid, time, ip, Arrays.hashCode(callchain), Arrays.hashCode(raw));
    }

    @Override
    public String toString() {
        return "Sample[" + event + " cpu=" + cpu + " pid=" + pid + " tid=" + tid + " time=" + time
                + " callchain=" + callchain.length + " raw=" + raw.length + "B]";
    }
}
