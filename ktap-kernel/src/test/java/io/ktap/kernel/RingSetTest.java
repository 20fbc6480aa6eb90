package io.ktap.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.trace.TraceOutput;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ring reader against {@link SyntheticRing}, a model of ktap_ring.c's producer. */
class RingSetTest {

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyRecordOnceInOrderAcrossWrapsAndShortFillers() {
        SyntheticRing ring = new SyntheticRing(4096, 0);
        RingSet set = new RingSet(List.of(ring.reader(0)));
        RecordDecoder dec = new RecordDecoder("t.kp", List.of());
        Random rnd = new Random(7);
        List<String> written = new ArrayList<>();
        List<String> read = new ArrayList<>();
        for (int round = 0; round < 2000; round++) {
            // Payloads of 0..60 bytes: every residue mod 8, so fillers of 8 bytes occur too.
            String s = "r" + round + "x".repeat(rnd.nextInt(56));
            if (ring.write(RecordView.PRINT, 0, round, text(s), 0)) {
                written.add(s);
            }
            if (rnd.nextInt(3) == 0) {
                set.drain(v -> read.add(((TraceOutput.Print) dec.decode(v)).text()), Integer.MAX_VALUE);
            }
        }
        set.drain(v -> read.add(((TraceOutput.Print) dec.decode(v)).text()), Integer.MAX_VALUE);
        assertEquals(written, read);
        assertEquals(0, set.rings().get(0).corruptions());
    }

    @Test
    void busyRecordEndsTheBatchUntilCommitted() {
        SyntheticRing ring = new SyntheticRing(4096, 0);
        RingSet set = new RingSet(List.of(ring.reader(0)));
        ring.write(RecordView.PRINT, 0, 1, text("a"), 0);
        ring.write(RecordView.PRINT, 0, 2, text("b"), KernelRing.BUSY);
        ring.write(RecordView.PRINT, 0, 3, text("c"), 0);
        List<Long> times = new ArrayList<>();
        assertEquals(1, set.drain(v -> times.add(v.timestampNanos()), Integer.MAX_VALUE));
        ring.commitLast(24);
        assertEquals(2, set.drain(v -> times.add(v.timestampNanos()), Integer.MAX_VALUE));
        assertEquals(List.of(1L, 2L, 3L), times);
    }

    @Test
    void receivedPlusLostEqualsProduced() {
        SyntheticRing ring = new SyntheticRing(4096, 0);
        RingSet set = new RingSet(List.of(ring.reader(0)));
        RecordDecoder dec = new RecordDecoder("t.kp", List.of());
        long[] prints = new long[1];
        long[] lost = new long[1];
        RecordHandler h = v -> {
            TraceOutput o = dec.decode(v);
            if (o instanceof TraceOutput.Lost l) {
                lost[0] += l.count();
            } else {
                prints[0]++;
            }
        };
        Random rnd = new Random(3);
        for (int i = 0; i < 50_000; i++) {
            ring.write(RecordView.PRINT, 0, i, text("y".repeat(rnd.nextInt(100))), 0);
            if (rnd.nextInt(200) == 0) {
                set.drain(h, Integer.MAX_VALUE);
            }
        }
        set.drain(h, Integer.MAX_VALUE);
        KernelRing r = set.rings().get(0);
        long unannounced = r.lostTotal() - r.announcedLost();
        assertTrue(lost[0] > 0 && unannounced >= 0);
        assertEquals(ring.produced, prints[0] + lost[0] + unannounced);
    }

    @Test
    void recordsOfSeveralCpusMergeByTimestamp() {
        SyntheticRing a = new SyntheticRing(4096, 0);
        SyntheticRing b = new SyntheticRing(4096, 1);
        RingSet set = new RingSet(List.of(a.reader(0), b.reader(1)));
        for (int t = 0; t < 40; t++) {
            (t % 3 == 0 ? b : a).write(RecordView.PRINT, t % 3 == 0 ? 1 : 0, t, text("t" + t), 0);
        }
        List<Long> times = new ArrayList<>();
        set.drain(v -> times.add(v.timestampNanos()), Integer.MAX_VALUE);
        for (int t = 0; t < 40; t++) {
            assertEquals(t, times.get(t));
        }
    }
}
