package io.ktap.kernel;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Transport throughput on one core (not run by mvn verify): small records (a 16-byte EMIT-sized
 * payload, 32 bytes in the ring) written into a 1 MiB synthetic ring in the module's format, then
 * drained through {@link RingSet} with a handler that reads the type, cpu, timestamp and two
 * payload words from the zero-copy {@link RecordView}. Reports records/s and the bytes the
 * draining thread allocated in the measured phase; then the same for decoding into
 * {@link io.ktap.trace.TraceOutput} values (which allocate by design).
 *
 * <pre>
 * mvn -q -B -o -pl ktap-kernel -am test-compile
 * java -cp ktap-kernel/target/classes:ktap-kernel/target/test-classes:ktap-bytecode/target/classes:\
 *   ktap-api/target/classes:$HOME/.m2/repository/net/java/dev/jna/jna/5.14.0/jna-5.14.0.jar \
 *   io.ktap.kernel.TransportThroughputBenchmark 5
 * </pre>
 */
public final class TransportThroughputBenchmark {

    private TransportThroughputBenchmark() {
    }

    static long sink;

    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        SyntheticRing ring = new SyntheticRing(1 << 20, 0);
        RingSet set = new RingSet(List.of(ring.reader(0)));
        byte[] payload = new byte[16];
        RecordHandler view = v -> sink += v.type() == RecordView.PRINT
                ? v.cpu() + v.timestampNanos() + v.payloadLong(0) + v.payloadLong(8) : v.payloadLong(0);
        RecordDecoder decoder = new RecordDecoder("bench.kp", List.of());
        RecordHandler decode = v -> sink += decoder.decode(v).timestampNanos();
        run("view (zero-copy)", ring, set, payload, view, 2, false);
        run("view (zero-copy)", ring, set, payload, view, seconds, true);
        run("decode to TraceOutput.Print", ring, set, payload, decode, 2, false);
        run("decode to TraceOutput.Print", ring, set, payload, decode, seconds, true);
    }

    private static void run(String name, SyntheticRing ring, RingSet set, byte[] payload, RecordHandler h, int seconds,
            boolean report) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long records = 0;
        long drainNanos = 0;
        long alloc = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long t = 0;
        while (System.nanoTime() < end) {
            // Fill the ring (the producer's work is not measured), then drain it all.
            while (ring.write(RecordView.PRINT, 0, t++, payload, 0)) {
                // keep writing until full
            }
            long a0 = mx.getThreadAllocatedBytes(tid);
            long t0 = System.nanoTime();
            records += set.drain(h, Integer.MAX_VALUE);
            drainNanos += System.nanoTime() - t0;
            alloc += mx.getThreadAllocatedBytes(tid) - a0;
        }
        if (report) {
            System.out.printf("%-30s %6.1f M records/s (%5.1f ns/record), %d bytes allocated while draining %d records%n",
                    name, records * 1e3 / drainNanos, drainNanos / (double) records, alloc, records);
        }
    }
}
