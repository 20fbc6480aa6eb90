package io.ktap.host;

import io.ktap.host.internal.Perf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A pure-Java model of the kernel's side of a perf ring (kernel/events/ring_buffer.c): a metadata
 * page then a power-of-two data area; records are written at data_head, wrapping around the end,
 * and published with a store-release of the head; a record that does not fit in the free space
 * (data_size - (head - tail)) is dropped and counted, and the count is announced with a
 * PERF_RECORD_LOST before the next record that fits, as the kernel does.
 */
final class SyntheticRing {
    static final int PAGE = 4096;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    final ByteBuffer buffer;
    final int dataSize;
    private long head;
    private long pendingLost;
    long lostEmitted;
    long accepted;
    long dropped;
    long lostId = 7;

    SyntheticRing(int dataSize) {
        if (Integer.bitCount(dataSize) != 1 || dataSize < 64) {
            throw new IllegalArgumentException("data size must be a power of two >= 64");
        }
        this.dataSize = dataSize;
        int rounded = (dataSize + PAGE - 1) & -PAGE;
        this.buffer = ByteBuffer.allocateDirect(PAGE + rounded + PAGE).alignedSlice(PAGE)
                .slice(0, PAGE + dataSize).order(ByteOrder.nativeOrder());
        buffer.putLong(Perf.MMAP_DATA_OFFSET, PAGE);
        buffer.putLong(Perf.MMAP_DATA_SIZE, dataSize);
    }

    /** Samples dropped and not yet announced by a LOST record. */
    long pendingLost() {
        return pendingLost;
    }

    private long free() {
        long tail = (long) LONGS.getAcquire(buffer, Perf.MMAP_DATA_TAIL);
        return dataSize - (head - tail);
    }

    /**
     * Writes a record of {@code type} whose body (after the 8-byte header) is {@code body},
     * padded with zeros to a multiple of 8.
     *
     * @return whether it was written (false: dropped and counted)
     */
    boolean write(int type, byte[] body) {
        int size = (Perf.HEADER_SIZE + body.length + 7) & ~7;
        if (size > 0xffff) {
            throw new IllegalArgumentException("record too large: " + size);
        }
        if (pendingLost > 0 && free() >= 24 + size) {
            byte[] lost = new byte[16];
            ByteBuffer.wrap(lost).order(ByteOrder.nativeOrder()).putLong(0, lostId).putLong(8, pendingLost);
            put(Perf.RECORD_LOST, lost, 24);
            lostEmitted += pendingLost;
            pendingLost = 0;
        }
        if (pendingLost > 0 || free() < size) {
            pendingLost++;
            dropped++;
            return false;
        }
        put(type, body, size);
        accepted++;
        return true;
    }

    private void put(int type, byte[] body, int size) {
        byte[] record = new byte[size];
        ByteBuffer r = ByteBuffer.wrap(record).order(ByteOrder.nativeOrder());
        r.putInt(0, type);
        r.putShort(4, (short) 0);
        r.putShort(6, (short) size);
        System.arraycopy(body, 0, record, Perf.HEADER_SIZE, body.length);
        for (int i = 0; i < size; i++) {
            buffer.put(PAGE + (int) ((head + i) & (dataSize - 1)), record[i]);
        }
        head += size;
        LONGS.setRelease(buffer, Perf.MMAP_DATA_HEAD, head);
    }

    /**
     * Writes as many copies of a complete record (header included, size a multiple of 8) as fit
     * in the free space, then publishes them with one store-release of the head, without
     * allocating: the benchmark's stand-in for the kernel.
     *
     * @return the number of records written
     */
    int fill(byte[] record) {
        long tail = (long) LONGS.getAcquire(buffer, Perf.MMAP_DATA_TAIL);
        int n = 0;
        while (dataSize - (head - tail) >= record.length) {
            int at = (int) (head & (dataSize - 1));
            int first = Math.min(record.length, dataSize - at);
            buffer.put(PAGE + at, record, 0, first);
            if (first < record.length) {
                buffer.put(PAGE, record, first, record.length - first);
            }
            head += record.length;
            n++;
        }
        LONGS.setRelease(buffer, Perf.MMAP_DATA_HEAD, head);
        accepted += n;
        return n;
    }

    /** The body of a sample with IDENTIFIER|TID|TIME|CPU|RAW, as the kernel lays it out. */
    static byte[] sampleBody(long id, int pid, int tid, long time, int cpu, byte[] raw) {
        int rawSlot = (4 + raw.length + 7) & ~7;   // u32 size + data, padded to u64
        ByteBuffer b = ByteBuffer.allocate(8 + 8 + 8 + 8 + rawSlot).order(ByteOrder.nativeOrder());
        b.putLong(id).putInt(pid).putInt(tid).putLong(time).putInt(cpu).putInt(0);
        b.putInt(rawSlot - 4).put(raw);
        return b.array();
    }
}
