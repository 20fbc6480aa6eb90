package io.ktap.kernel;

import java.util.List;

/**
 * Every ring of a session, drained in one pass: records of different CPUs are delivered in
 * timestamp order within a batch (a merge over the rings' heads), records of one CPU in the order
 * they were written. Allocation-free.
 */
public final class RingSet {

    private static final int COMMIT_EVERY = 1024;

    private final KernelRing[] rings;
    private final RecordView[] heads;
    private final boolean[] ready;

    public RingSet(List<KernelRing> rings) {
        this.rings = rings.toArray(new KernelRing[0]);
        this.heads = new RecordView[this.rings.length];
        this.ready = new boolean[this.rings.length];
        for (int i = 0; i < heads.length; i++) {
            heads[i] = new RecordView();
        }
    }

    public List<KernelRing> rings() {
        return List.of(rings);
    }

    /**
     * Delivers up to {@code max} records published so far, oldest first; returns how many. LOST
     * records are delivered like any other and also counted as announced on their ring.
     */
    public int drain(RecordHandler handler, int max) {
        int live = 0;
        for (int i = 0; i < rings.length; i++) {
            rings[i].begin();
            ready[i] = rings[i].next(heads[i]);
            if (ready[i]) {
                live++;
            }
        }
        int n = 0;
        try {
            while (live > 0 && n < max) {
                int best = -1;
                long bestTime = Long.MAX_VALUE;
                for (int i = 0; i < rings.length; i++) {
                    if (ready[i]) {
                        long t = heads[i].timestampNanos();
                        if (best < 0 || t < bestTime) {
                            best = i;
                            bestTime = t;
                        }
                    }
                }
                RecordView v = heads[best];
                KernelRing r = rings[best];
                if (v.type() == RecordView.LOST && v.payloadLength() >= 8) {
                    r.announce(v.payloadLong(0));
                }
                r.consume(v);
                n++;
                handler.onRecord(v);
                ready[best] = r.next(v);
                if (!ready[best]) {
                    live--;
                }
                if ((n % COMMIT_EVERY) == 0) {
                    commit();
                }
            }
        } finally {
            commit();
        }
        return n;
    }

    private void commit() {
        for (KernelRing r : rings) {
            r.commit();
        }
    }

    /** Whether any ring holds unread bytes. */
    public boolean hasData() {
        for (KernelRing r : rings) {
            if (r.hasData()) {
                return true;
            }
        }
        return false;
    }
}
