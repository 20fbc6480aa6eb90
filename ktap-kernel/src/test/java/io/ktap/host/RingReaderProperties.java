package io.ktap.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ktap.host.internal.Perf;
import io.ktap.host.internal.RingReader;
import io.ktap.host.internal.SampleLayout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The ring reader against the pure-Java model of the kernel's writer ({@link SyntheticRing}):
 * random interleavings of writes (of random sizes, so records wrap around the ring's end at every
 * possible offset) and drains.
 */
class RingReaderProperties {
    /** One step: write a record with a body of {@code size} bytes, or (size &lt; 0) drain. */
    record Op(int size, byte fill) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> write = Combinators.combine(Arbitraries.integers().between(0, 400), Arbitraries.bytes())
                .as(Op::new);
        Arbitrary<Op> drain = Arbitraries.just(new Op(-1, (byte) 0));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, write), net.jqwik.api.Tuple.of(1, drain)).list().ofMaxSize(300);
    }

    @Property(tries = 150)
    void everyAcceptedRecordIsReadOnceInOrderAndDropsAreCounted(@ForAll("ops") List<Op> ops,
            @ForAll("ringSizes") int dataSize) {
        SyntheticRing ring = new SyntheticRing(dataSize);
        RingReader reader = new RingReader(ring.buffer, SyntheticRing.PAGE);
        List<byte[]> expected = new ArrayList<>();
        List<byte[]> received = new ArrayList<>();
        long[] lostSeen = {0};
        RingReader.RecordSink sink = (buffer, offset, type, misc, size) -> {
            if (type == Perf.RECORD_LOST) {
                lostSeen[0] += buffer.getLong(offset + 16);
            } else {
                byte[] body = new byte[size - Perf.HEADER_SIZE];
                buffer.get(offset + Perf.HEADER_SIZE, body);
                received.add(body);
            }
        };
        for (Op op : ops) {
            if (op.size() < 0) {
                reader.drain(sink);
            } else {
                byte[] body = new byte[op.size()];
                for (int i = 0; i < body.length; i++) {
                    body[i] = (byte) (op.fill() + i);
                }
                if (ring.write(Perf.RECORD_SAMPLE, body)) {
                    expected.add(Arrays.copyOf(body, (body.length + 7) & ~7));
                }
            }
        }
        reader.drain(sink);

        assertEquals(expected.size(), received.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), received.get(i), "record " + i);
        }
        assertEquals(ring.lostEmitted, lostSeen[0]);
        assertEquals(ring.dropped, lostSeen[0] + ring.pendingLost(), "every drop is announced or pending");
        assertEquals(0, reader.corruptions());
        assertEquals(ring.buffer.getLong(Perf.MMAP_DATA_HEAD), ring.buffer.getLong(Perf.MMAP_DATA_TAIL),
                "the tail catches up with the head");
    }

    @Provide
    Arbitrary<Integer> ringSizes() {
        return Arbitraries.of(64, 128, 512, 4096);
    }

    private static final EventFormat EXEC = FormatParser.parse("sched", """
            name: sched_process_exec
            ID: 365
            format:
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

            \tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;
            \tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;
            \tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;

            print fmt: "filename=%s pid=%d old_pid=%d", __get_str(filename), REC->pid, REC->old_pid
            """);

    /** The raw record of sched_process_exec as the kernel builds it. */
    static byte[] execRaw(int pid, String filename) {
        byte[] name = filename.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(20 + name.length + 1).order(java.nio.ByteOrder.nativeOrder());
        b.putShort((short) 365).put((byte) 0).put((byte) 0).putInt(pid);
        b.putInt(((name.length + 1) << 16) | 20).putInt(pid).putInt(pid);
        b.put(name).put((byte) 0);
        return b.array();
    }

    @Property(tries = 100)
    void samplesDecodeThroughTheViewWhereverTheyWrap(@ForAll("names") List<String> names,
            @ForAll("drainEvery") int drainEvery) {
        SyntheticRing ring = new SyntheticRing(512);
        RingReader reader = new RingReader(ring.buffer, SyntheticRing.PAGE);
        long sampleType = Perf.SAMPLE_IDENTIFIER | Perf.SAMPLE_TID | Perf.SAMPLE_TIME | Perf.SAMPLE_CPU | Perf.SAMPLE_RAW;
        AttachedEvent event = new AttachedEvent(0, AttachedEvent.Kind.TRACEPOINT, "sched:sched_process_exec", EXEC, null);
        RecordDispatcher dispatcher = new RecordDispatcher();
        dispatcher.register(42, event, new SampleLayout(sampleType));
        FieldFormat filename = EXEC.field("filename").orElseThrow();
        FieldFormat pid = EXEC.field("pid").orElseThrow();
        List<String> expected = new ArrayList<>();
        List<String> decoded = new ArrayList<>();
        SampleHandler handler = new SampleHandler() {
            @Override
            public void onSample(SampleView s) {
                assertEquals(event, s.event());
                assertEquals(s.pid(), s.integer(pid));
                assertEquals(s.pid() + 1, s.tid());
                assertEquals(s.pid() * 10L, s.time());
                assertEquals(s.pid() % 4, s.cpu());
                assertEquals(365, s.commonType());
                byte[] into = new byte[256];
                int n = s.stringBytes(filename, into);
                assertEquals(s.string(filename), new String(into, 0, n, StandardCharsets.UTF_8));
                assertEquals(s.string(filename), s.toSample().string(filename));
                decoded.add(s.pid() + "=" + s.string(filename));
            }

            @Override
            public void onLost(int cpu, long count) {
            }
        };
        int[] records = new int[1];
        int i = 0;
        for (String name : names) {
            int p = 1000 + i;
            if (ring.write(Perf.RECORD_SAMPLE, SyntheticRing.sampleBody(42, p, p + 1, p * 10L, p % 4, execRaw(p, name)))) {
                expected.add(p + "=" + name);
            }
            if (++i % drainEvery == 0) {
                dispatcher.drain(reader, 0, handler, records);
            }
        }
        dispatcher.drain(reader, 0, handler, records);
        assertEquals(expected, decoded);
        assertEquals(ring.lostEmitted, dispatcher.lost);
    }

    @Provide
    Arbitrary<List<String>> names() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars('/', '.', 'é').ofMaxLength(60).list().ofMaxSize(80);
    }

    @Provide
    Arbitrary<Integer> drainEvery() {
        return Arbitraries.integers().between(1, 12);
    }
}
