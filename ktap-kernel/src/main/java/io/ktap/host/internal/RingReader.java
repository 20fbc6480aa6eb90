package io.ktap.host.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The consumer side of one perf ring buffer: a metadata page ({@code struct perf_event_mmap_page})
 * followed by a power-of-two data area, as mapped from a perf event fd, or any buffer laid out
 * the same way (the tests drive it with a pure-Java writer).
 *
 * <h2>Protocol</h2>
 * The kernel appends records at {@code data_head} and publishes the new head with a store-release
 * (after the record bytes); we own {@code data_tail}. A {@link #drain} reads the head once with
 * load-acquire, so every record byte below it is visible, walks the records, and publishes the new
 * tail once with store-release, so the kernel can only reuse the space after our reads of it are
 * done. Both are {@link VarHandle} accesses on the direct buffer: the JIT turns them into a plain
 * load/store with the right ordering (x86: compiler barrier only; arm64: {@code ldar}/{@code stlr}),
 * and no native call happens per record or per batch. (A JNA {@code Pointer} would cost a JNI
 * transition per access and offers no acquire/release at all.)
 *
 * <p>Records are 8-byte aligned and sized, so a record's 8-byte header never straddles the end of
 * the data area, but its body may: such a record is copied (at most 64 KiB, the u16 size limit)
 * into a scratch buffer and handed to the sink from there. Every other record is handed over in
 * place. The sink must not keep the buffer or offset beyond its call.
 *
 * <p>Not thread-safe: one consumer thread per ring.
 */
public final class RingReader {
    private static final VarHandle LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final int MAX_RECORD = 1 << 16;

    /** Receives each record in place. */
    public interface RecordSink {
        /**
         * @param buffer the ring (or the scratch copy for a record that wraps); native order
         * @param offset where the record's {@code perf_event_header} starts in {@code buffer}
         * @param type   {@code header.type}
         * @param misc   {@code header.misc}
         * @param size   {@code header.size}, the record's total length in bytes
         */
        void onRecord(ByteBuffer buffer, int offset, int type, int misc, int size);
    }

    private final ByteBuffer ring;
    private final int dataOffset;
    private final int dataSize;
    private final long mask;
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(MAX_RECORD).order(ByteOrder.nativeOrder());
    private long tail;
    private long corruptions;

    /**
     * @param ring     the whole mapping, metadata page first; its byte order is set to native
     * @param pageSize the metadata page size, used only when the kernel predates
     *                 {@code data_offset}/{@code data_size} (Linux &lt; 4.1)
     */
    public RingReader(ByteBuffer ring, int pageSize) {
        if (!ring.isDirect()) {
            throw new IllegalArgumentException("the ring must be a direct buffer (acquire/release access)");
        }
        this.ring = ring.order(ByteOrder.nativeOrder());
        long offset = ring.getLong(Perf.MMAP_DATA_OFFSET);
        long size = ring.getLong(Perf.MMAP_DATA_SIZE);
        if (size == 0) {
            offset = pageSize;
            size = ring.capacity() - (long) pageSize;
        }
        if (size <= 0 || Long.bitCount(size) != 1 || offset < Perf.MMAP_DATA_SIZE + 8
                || offset + size > ring.capacity()) {
            throw new IllegalArgumentException("not a perf ring: data_offset=" + offset + " data_size=" + size
                    + " capacity=" + ring.capacity());
        }
        this.dataOffset = (int) offset;
        this.dataSize = (int) size;
        this.mask = size - 1;
        this.tail = (long) LONGS.getAcquire(this.ring, Perf.MMAP_DATA_TAIL);
    }

    /** Size of the data area in bytes (a power of two). */
    public int dataSize() {
        return dataSize;
    }

    /** How many times a malformed record header made {@link #drain} skip to the head. */
    public long corruptions() {
        return corruptions;
    }

    /** Whether records are waiting (one acquire load; no native call). */
    public boolean hasData() {
        return (long) LONGS.getAcquire(ring, Perf.MMAP_DATA_HEAD) != tail;
    }

    /**
     * Hands every complete record between the tail and the current head to {@code sink}, in order,
     * then publishes the new tail. If the sink throws, the records before and including the one
     * that threw count as consumed, the tail is published, and the exception propagates.
     *
     * @return the number of records handed over
     */
    public int drain(RecordSink sink) {
        long head = (long) LONGS.getAcquire(ring, Perf.MMAP_DATA_HEAD);
        long pos = tail;
        int count = 0;
        try {
            while (pos != head) {
                int at = (int) (pos & mask);
                int header = dataOffset + at;
                int type = ring.getInt(header);
                int misc = ring.getShort(header + 4) & 0xffff;
                int size = ring.getShort(header + 6) & 0xffff;
                if (size < Perf.HEADER_SIZE || (size & 7) != 0 || Long.compareUnsigned(size, head - pos) > 0) {
                    // Cannot happen with a sane writer; never spin or read past the head.
                    corruptions++;
                    pos = head;
                    break;
                }
                pos += size;
                count++;
                int first = dataSize - at;
                if (size <= first) {
                    sink.onRecord(ring, header, type, misc, size);
                } else {
                    scratch.put(0, ring, header, first);
                    scratch.put(first, ring, dataOffset, size - first);
                    sink.onRecord(scratch, 0, type, misc, size);
                }
            }
        } finally {
            if (pos != tail) {
                tail = pos;
                LONGS.setRelease(ring, Perf.MMAP_DATA_TAIL, pos);
            }
        }
        return count;
    }
}
