package io.ktap.host;

import io.ktap.host.internal.Perf;
import io.ktap.host.internal.RingReader;
import io.ktap.host.internal.SampleLayout;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decoding throughput of the ring reader and the zero-copy sample view on one core, over a
 * synthetic ring in the kernel's format (not run by mvn verify: its name is not a test's).
 * Records are what sys_enter_getppid produces with our sample_type (56 bytes: identifier, pid/tid,
 * time, cpu, 12 raw bytes); the handler reads pid, tid, time, cpu and one raw field of each.
 * Only the reader's time is measured; the ring is refilled between drains, and 56 does not divide
 * the ring size, so records wrap around its end as in real use.
 *
 * <pre>
 * mvn -q -B -o -pl ktap-kernel -am test-compile
 * java -cp ktap-kernel/target/classes:ktap-kernel/target/test-classes:$HOME/.m2/repository/net/java/dev/jna/jna/5.14.0/jna-5.14.0.jar \
 *      io.ktap.host.RingThroughputBenchmark [seconds]
 * </pre>
 */
public final class RingThroughputBenchmark {
    private RingThroughputBenchmark() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        EventFormat format = FormatParser.parse("syscalls", """
                name: sys_enter_getppid
                ID: 305
                format:
                \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
                \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
                \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
                \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

                \tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;
                """);
        FieldFormat nr = format.field("__syscall_nr").orElseThrow();
        AttachedEvent event = new AttachedEvent(0, AttachedEvent.Kind.TRACEPOINT, "syscalls:sys_enter_getppid", format, null);
        long sampleType = Perf.SAMPLE_IDENTIFIER | Perf.SAMPLE_TID | Perf.SAMPLE_TIME | Perf.SAMPLE_CPU | Perf.SAMPLE_RAW;
        RecordDispatcher dispatcher = new RecordDispatcher();
        dispatcher.register(1234, event, new SampleLayout(sampleType));
        for (int other = 1; other < 64; other++) {   // a realistic number of attached ids in the map
            dispatcher.register(5000 + other, new AttachedEvent(other, AttachedEvent.Kind.TRACEPOINT, "x:y" + other,
                    format, null), new SampleLayout(sampleType));
        }

        byte[] raw = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
                .putShort((short) 305).put((byte) 0).put((byte) 0).putInt(4242).putInt(110).array();
        byte[] body = SyntheticRing.sampleBody(1234, 4242, 4243, 1_000_000L, 1, raw);
        byte[] record = ByteBuffer.allocate(Perf.HEADER_SIZE + body.length).order(ByteOrder.nativeOrder())
                .putInt(Perf.RECORD_SAMPLE).putShort((short) 0).putShort((short) (Perf.HEADER_SIZE + body.length))
                .put(body).array();

        SyntheticRing ring = new SyntheticRing(4 << 20);
        RingReader reader = new RingReader(ring.buffer, SyntheticRing.PAGE);
        Summer summer = new Summer(nr);
        int[] records = new int[1];
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        System.out.printf("record size %d bytes, ring %d MiB, %.0f s per phase%n", record.length,
                ring.dataSize >> 20, seconds);
        for (String phase : new String[] {"warm-up", "measure"}) {
            long decoded = 0;
            long nanos = 0;
            long allocated = 0;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                ring.fill(record);
                long bytesBefore = threads.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                records[0] = 0;
                dispatcher.drain(reader, 1, summer, records);
                nanos += System.nanoTime() - t0;
                allocated += threads.getCurrentThreadAllocatedBytes() - bytesBefore;
                decoded += records[0];
            }
            System.out.printf("%s: %,d records in %.3f s of draining = %,.0f records/s (%.1f ns/record), "
                            + "%d bytes allocated while draining (checksum %d)%n",
                    phase, decoded, nanos / 1e9, decoded / (nanos / 1e9), (double) nanos / decoded, allocated,
                    summer.sum);
        }
    }

    /** Touches the fields a ktap handler typically reads. */
    private static final class Summer implements SampleHandler {
        private final FieldFormat nr;
        long sum;

        Summer(FieldFormat nr) {
            this.nr = nr;
        }

        @Override
        public void onSample(SampleView s) {
            sum += s.pid() + s.tid() + s.time() + s.cpu() + s.integer(nr);
        }

        @Override
        public void onLost(int cpu, long count) {
            throw new AssertionError("the benchmark ring never drops");
        }
    }
}
