package io.ktap.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The reader's side of one per-CPU ring (kernel-module.md, "The output rings"): the consumer
 * page, which the reader writes, and the producer page followed by the data area, which it only
 * reads.
 *
 * <p>Protocol (libbpf's ring buffer, one producer): {@code producer_pos} is read with a
 * load-acquire, each record's {@code len} with a load-acquire (a BUSY record ends the batch, a
 * DISCARD record is skipped by its length), and {@code consumer_pos} is published with a
 * store-release. The VarHandle accesses compile to plain loads and stores with the right ordering;
 * nothing on this path calls native code or allocates.
 */
public final class KernelRing {

    static final int PAGE = 4096;
    static final int BUSY = 1 << 31;
    static final int DISCARD = 1 << 30;
    static final int LEN_MASK = (1 << 30) - 1;
    static final int MAGIC = 0x4b524e47;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final int index;
    private final ByteBuffer consumer;
    private final ByteBuffer producer;
    private final int dataSize;
    private final long mask;
    private long cons;
    private long limit;
    private long committed;
    private long announcedLost;
    private long corruptions;

    /**
     * @param index    the ring's index (the CPU id that writes it)
     * @param consumer the consumer page (at least 8 bytes, writable)
     * @param producer the producer page followed by the data area (read-only is enough)
     */
    public KernelRing(int index, ByteBuffer consumer, ByteBuffer producer) {
        this.index = index;
        this.consumer = consumer.duplicate().order(ByteOrder.nativeOrder());
        this.producer = producer.duplicate().order(ByteOrder.nativeOrder());
        if (this.producer.getInt(16) != MAGIC) {
            throw new IllegalArgumentException("ring " + index + ": bad magic 0x" + Integer.toHexString(this.producer.getInt(16)));
        }
        this.dataSize = this.producer.getInt(24);
        if (Integer.bitCount(dataSize) != 1 || dataSize < PAGE || this.producer.capacity() < PAGE + dataSize) {
            throw new IllegalArgumentException("ring " + index + ": bad data size " + dataSize);
        }
        this.mask = dataSize - 1;
        this.cons = (long) LONGS.getAcquire(this.consumer, 0);
        this.committed = cons;
    }

    public int index() {
        return index;
    }

    public int dataSize() {
        return dataSize;
    }

    /** Records the producer dropped since the ring was made (the producer page's count). */
    public long lostTotal() {
        return (long) LONGS.getAcquire(producer, 8);
    }

    /** Of {@link #lostTotal()}, how much LOST records delivered so far announced. */
    public long announcedLost() {
        return announcedLost;
    }

    void announce(long count) {
        announcedLost += count;
    }

    /** Malformed records skipped (a broken producer; never expected). */
    public long corruptions() {
        return corruptions;
    }

    /** Snapshots the producer position: the batch reads up to it. */
    void begin() {
        limit = (long) LONGS.getAcquire(producer, 0);
    }

    /**
     * Positions {@code view} on the next complete record of the batch, skipping fillers; false
     * when the batch has no more (or the next is still being written).
     */
    boolean next(RecordView view) {
        while (cons < limit) {
            int off = (int) (cons & mask);
            int len = (int) INTS.getAcquire(producer, PAGE + off);
            if ((len & BUSY) != 0) {
                return false;
            }
            int size = len & LEN_MASK;
            int step = (size + 7) & ~7;
            if (size == 0 || off + step > dataSize || ((len & DISCARD) == 0 && size < RecordView.HEADER)) {
                // A broken producer: drop the rest of the batch rather than spin.
                corruptions++;
                cons = limit;
                return false;
            }
            if ((len & DISCARD) != 0) {
                cons += step;
                continue;
            }
            view.set(producer, PAGE + off, size);
            return true;
        }
        return false;
    }

    /** Moves past the record {@link #next} positioned the view on. */
    void consume(RecordView view) {
        cons += (view.payloadLength() + RecordView.HEADER + 7) & ~7;
    }

    /** Gives the space read so far back to the producer. */
    void commit() {
        if (cons != committed) {
            committed = cons;
            LONGS.setRelease(consumer, 0, cons);
        }
    }

    /** Whether the producer has published bytes not yet consumed. */
    boolean hasData() {
        return (long) LONGS.getAcquire(producer, 0) != cons;
    }
}
