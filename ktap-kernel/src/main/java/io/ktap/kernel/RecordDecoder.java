package io.ktap.kernel;

import io.ktap.bytecode.RecordSchema;
import io.ktap.kernel.cvm.CVm;
import io.ktap.trace.TraceOutput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Copies ring records out as {@link TraceOutput} values (kernel-module.md, "Types and payloads"):
 *
 * <ul>
 *   <li>PRINT: the text's bytes (UTF-8);
 *   <li>HISTOGRAM: {@code u32 shown, u32 omitted}, then per row {@code s64 count, u32 bar, u32 keylen},
 *       the key's bytes, padding to 8;
 *   <li>EMIT: {@code u32 schema, u32 0}, then the fields packed in schema order, as
 *       {@link io.ktap.bytecode.RecordView} reads them (the kernel module guide's EMIT layout);
 *   <li>ERROR: {@code u32 line}, the message's bytes;
 *   <li>LOST: {@code u64 count}; AGGREGATION: as the kernel module guide's ring section gives it; EXIT: {@code s64 status} (not an output: {@link #decode} returns null).
 * </ul>
 *
 * A record that does not parse becomes a {@link TraceOutput.RuntimeError} saying so, never an exception.
 */
public final class RecordDecoder {

    private final String source;
    private final io.ktap.bytecode.RecordView emitPayload;

    /**
     * @param source  the script's name, the file of runtime errors
     * @param schemas the chunk's record schemas, for EMIT
     */
    public RecordDecoder(String source, List<RecordSchema> schemas) {
        this.source = Objects.requireNonNull(source, "source");
        this.emitPayload = new io.ktap.bytecode.RecordView(schemas);
    }

    /** The record as an output value, or null for an EXIT record (not an output). */
    public TraceOutput decode(RecordView v) {
        try {
            return switch (v.type()) {
                case RecordView.PRINT -> new TraceOutput.Print(v.cpu(), v.timestampNanos(),
                        v.payloadString(0, v.payloadLength()));
                case RecordView.HISTOGRAM -> histogram(v);
                case RecordView.EMIT -> emit(v);
                case RecordView.ERROR -> new TraceOutput.RuntimeError(v.cpu(), v.timestampNanos(),
                        v.payloadString(4, v.payloadLength() - 4), source, v.payloadInt(0));
                case RecordView.LOST -> new TraceOutput.Lost(v.cpu(), v.timestampNanos(), v.payloadLong(0));
                case RecordView.AGGREGATION -> aggregation(v);
                case RecordView.EXIT -> null;
                default -> new TraceOutput.RuntimeError(v.cpu(), v.timestampNanos(),
                        "unknown record type " + v.type() + " from the kernel", source, 0);
            };
        } catch (IndexOutOfBoundsException | IllegalArgumentException | IllegalStateException e) {
            return new TraceOutput.RuntimeError(v.cpu(), v.timestampNanos(),
                    "malformed record of type " + v.type() + " from the kernel: " + e.getMessage(), source, 0);
        }
    }

    private static TraceOutput.Histogram histogram(RecordView v) {
        int shown = v.payloadInt(0);
        int omitted = v.payloadInt(4);
        if (shown < 0 || shown > v.payloadLength() / 16) {
            throw new IllegalArgumentException("histogram of " + shown + " rows");
        }
        List<TraceOutput.Histogram.Row> rows = new ArrayList<>(shown);
        int at = 8;
        for (int i = 0; i < shown; i++) {
            long count = v.payloadLong(at);
            int bar = v.payloadInt(at + 8);
            int keyLen = v.payloadInt(at + 12);
            String key = v.payloadString(at + 16, keyLen);
            rows.add(new TraceOutput.Histogram.Row(key, count, bar));
            at += (16 + keyLen + 7) & ~7;
        }
        return new TraceOutput.Histogram(v.cpu(), v.timestampNanos(), rows, omitted);
    }

    /** AGGREGATION payloads have one layout on every VM: decoded like the C VM's. */
    private static TraceOutput.Aggregation aggregation(RecordView v) {
        byte[] payload = new byte[v.payloadLength()];
        v.copyPayload(0, payload, 0, payload.length);
        return CVm.aggregation(new CVm.Raw(RecordView.AGGREGATION, v.cpu(), v.timestampNanos(), payload),
                ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** EMIT payloads have one layout on every VM: decoded by the shared payload view. */
    private TraceOutput.Emit emit(RecordView v) {
        byte[] payload = new byte[v.payloadLength()];
        v.copyPayload(0, payload, 0, payload.length);
        return emitPayload.wrap(ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN), 0, payload.length)
                .toEmit(v.cpu(), v.timestampNanos());
    }
}
