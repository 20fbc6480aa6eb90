package io.ktap.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The kernel ring reader against {@link SyntheticRing} (ktap_ring.c's producer in Java): random
 * interleavings of writes of every payload size (so fillers of every length, 8 bytes included,
 * and records ending at every offset occur), drains, and drains capped at a few records.
 */
class KernelRingProperties {

    /** A write of {@code size} payload bytes filled with {@code fill}; size -1 drains, -2 drains at most 3. */
    record Op(int size, byte fill) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> write = Combinators.combine(Arbitraries.integers().between(0, 700), Arbitraries.bytes())
                .as(Op::new);
        return Arbitraries.frequencyOf(Tuple.of(8, write), Tuple.of(1, Arbitraries.just(new Op(-1, (byte) 0))),
                Tuple.of(1, Arbitraries.just(new Op(-2, (byte) 0)))).list().ofMaxSize(400);
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.of(4096, 8192, 16384);
    }

    @Property(tries = 200)
    void everyRecordOnceInOrderAndReceivedPlusLostIsProduced(@ForAll("ops") List<Op> ops,
            @ForAll("sizes") int size) {
        SyntheticRing ring = new SyntheticRing(size, 0);
        RingSet set = new RingSet(List.of(ring.reader(0)));
        List<byte[]> written = new ArrayList<>();
        List<byte[]> read = new ArrayList<>();
        long[] lost = {0};
        RecordHandler h = v -> {
            if (v.type() == RecordView.LOST) {
                lost[0] += v.payloadLong(0);
            } else {
                byte[] b = new byte[v.payloadLength()];
                v.copyPayload(0, b, 0, b.length);
                read.add(b);
            }
        };
        long t = 0;
        for (Op op : ops) {
            if (op.size() == -1) {
                set.drain(h, Integer.MAX_VALUE);
            } else if (op.size() == -2) {
                set.drain(h, 3);
            } else {
                byte[] payload = new byte[op.size()];
                Arrays.fill(payload, op.fill());
                if (ring.write(RecordView.PRINT, 0, t++, payload, 0)) {
                    written.add(payload);
                }
            }
        }
        set.drain(h, Integer.MAX_VALUE);
        assertEquals(written.size(), read.size());
        for (int i = 0; i < written.size(); i++) {
            assertArrayEquals(written.get(i), read.get(i), "record " + i);
        }
        KernelRing r = set.rings().get(0);
        assertEquals(0, r.corruptions());
        assertEquals(ring.lostTotal, r.lostTotal());
        assertEquals(ring.produced, read.size() + lost[0] + (r.lostTotal() - r.announcedLost()));
    }
}
