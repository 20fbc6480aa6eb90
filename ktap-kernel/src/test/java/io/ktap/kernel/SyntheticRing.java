package io.ktap.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A ring in the module's format (kernel-module.md, "The output rings") written from Java, the way
 * ktap_ring.c writes it: a model producer for the reader's tests and the transport benchmark.
 * Single-threaded.
 */
final class SyntheticRing {

    final ByteBuffer map;
    final int size;
    private long prod;
    private long pendingLost;
    long lostTotal;
    long produced;

    SyntheticRing(int size, int cpu) {
        this.size = size;
        this.map = ByteBuffer.allocateDirect(2 * KernelRing.PAGE + size).order(ByteOrder.nativeOrder());
        map.putInt(KernelRing.PAGE + 16, KernelRing.MAGIC);
        map.putInt(KernelRing.PAGE + 20, 1);
        map.putInt(KernelRing.PAGE + 24, size);
        map.putInt(KernelRing.PAGE + 28, cpu);
    }

    KernelRing reader(int index) {
        ByteBuffer cons = map.duplicate().position(0).limit(KernelRing.PAGE).slice().order(ByteOrder.nativeOrder());
        ByteBuffer rest = map.duplicate().position(KernelRing.PAGE).slice().order(ByteOrder.nativeOrder());
        return new KernelRing(index, cons, rest);
    }

    private long consumer() {
        return map.getLong(0);
    }

    /** Appends a record (false when full: counted lost, announced by a later LOST record). */
    boolean write(int type, int cpu, long time, byte[] payload, int busy) {
        produced++;
        long p = prod;
        int lostAt = -1;
        if (pendingLost > 0) {
            lostAt = put(p, 8, RecordView.LOST, cpu, time);
            if (lostAt < 0) {
                return drop();
            }
            p = next;
            map.putLong(2 * KernelRing.PAGE + lostAt + RecordView.HEADER, pendingLost);
        }
        int at = put(p, payload.length, type, cpu, time);
        if (at < 0) {
            return drop();
        }
        p = next;
        if (lostAt >= 0) {
            pendingLost = 0;
            int h = 2 * KernelRing.PAGE + lostAt;
            map.putInt(h, map.getInt(h) & ~KernelRing.BUSY);
        }
        map.put(2 * KernelRing.PAGE + at + RecordView.HEADER, payload);
        int h = 2 * KernelRing.PAGE + at;
        map.putInt(h, (RecordView.HEADER + payload.length) | busy);
        prod = p;
        map.putLong(KernelRing.PAGE, prod);
        return true;
    }

    private long next;

    private int put(long p, int payload, int type, int cpu, long time) {
        int need = (RecordView.HEADER + payload + 7) & ~7;
        int off = (int) (p & (size - 1));
        int pad = off + need > size ? size - off : 0;
        if (p + pad + need - consumer() > size || payload > size / 2 - RecordView.HEADER) {
            return -1;
        }
        if (pad > 0) {
            int h = 2 * KernelRing.PAGE + off;
            map.putShort(h + 4, (short) 0).putShort(h + 6, (short) cpu);
            map.putInt(h, pad | KernelRing.DISCARD);
            p += pad;
            off = 0;
        }
        int h = 2 * KernelRing.PAGE + off;
        map.putShort(h + 4, (short) type).putShort(h + 6, (short) cpu).putLong(h + 8, time);
        map.putInt(h, (RecordView.HEADER + payload) | KernelRing.BUSY);
        next = p + need;
        return off;
    }

    private boolean drop() {
        pendingLost++;
        lostTotal++;
        map.putLong(KernelRing.PAGE + 8, lostTotal);
        return false;
    }

    /** Clears BUSY of the last record (written with busy set). */
    void commitLast(int at) {
        int h = 2 * KernelRing.PAGE + at;
        map.putInt(h, map.getInt(h) & ~KernelRing.BUSY);
    }
}
