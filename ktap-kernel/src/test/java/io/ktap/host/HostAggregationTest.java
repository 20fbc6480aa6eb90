package io.ktap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.trace.AggregationKind;
import io.ktap.trace.TraceOutput;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Aggregations on the host backend, real kernel events: a helper whose syscalls are exactly known
 * is traced from its exec, and the aggregations must hold exactly its counts and values.
 */
class HostAggregationTest {
    private static final int N = 3_000;
    private static final int WRITES = 100;

    private final HostBackend backend = new HostBackend();

    @BeforeEach
    void setUp() {
        NativeHelpers.assumeHostTracing();
    }

    private static List<TraceOutput.Aggregation> aggregations(Scripts.Recorder r) {
        synchronized (r.outputs) {
            return r.outputs.stream().filter(TraceOutput.Aggregation.class::isInstance)
                    .map(TraceOutput.Aggregation.class::cast).toList();
        }
    }

    @Test
    void countsEveryGetppidByPid() throws Exception {
        Path helper = NativeHelpers.binary("getppid_loop");
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var calls = {}
                trace syscalls:sys_enter_getppid { calls[pid] = count()  total = count() }
                trace_end { print(calls) print(total) }
                """, new ProcessBuilder(helper.toString(), Integer.toString(N)));
        assertTrue(r.errors().isEmpty(), r.errors()::toString);
        assertEquals(0, r.lost());
        List<TraceOutput.Aggregation> aggs = aggregations(r);
        assertEquals(2, aggs.size(), r.outputs::toString);
        TraceOutput.Aggregation calls = aggs.get(0);
        assertEquals(AggregationKind.COUNT, calls.kind());
        assertEquals(1, calls.entries().size(), calls::text);
        TraceOutput.Aggregation.Entry only = calls.entries().get(0);
        assertTrue(only.key().matches("[1-9][0-9]*"), only.key());
        assertEquals(N, only.count());
        assertEquals("@calls[" + only.key() + "]: " + N + "\n", calls.text());
        assertEquals("@total: " + N + "\n", aggs.get(1).text());
    }

    @Test
    void histogramsAndStatsOfASyscallArgument() throws Exception {
        Path helper = NativeHelpers.binary("file_ops");
        // file_ops writes i bytes to /dev/null for i = 1..WRITES: the write syscall's count (arg4).
        Scripts.Recorder r = Scripts.runCommand(backend, """
                trace syscalls:sys_enter_write {
                    sizes = hist(arg4)
                    linear = lhist(arg4, 0, 100, 10)
                    st = stats(arg4)
                }
                trace_end { print(sizes) print(linear) print(st) }
                """, new ProcessBuilder(helper.toString(), "/etc/hostname", Integer.toString(WRITES)));
        assertTrue(r.errors().isEmpty(), r.errors()::toString);
        List<TraceOutput.Aggregation> aggs = aggregations(r);
        assertEquals(3, aggs.size(), r.outputs::toString);
        assertEquals("""
                @sizes:\s
                [1]                    1 |@                                                   |
                [2, 4)                 2 |@@                                                  |
                [4, 8)                 4 |@@@@@                                               |
                [8, 16)                8 |@@@@@@@@@@@                                         |
                [16, 32)              16 |@@@@@@@@@@@@@@@@@@@@@@                              |
                [32, 64)              32 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@        |
                [64, 128)             37 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

                """, aggs.get(0).text());
        TraceOutput.Aggregation linear = aggs.get(1);
        TraceOutput.Aggregation.Entry e = linear.entries().get(0);
        assertEquals(1, e.firstBucket(), "nothing below 0");
        assertEquals(List.of(9L, 10L, 10L, 10L, 10L, 10L, 10L, 10L, 10L, 10L, 1L), e.buckets());
        assertEquals("[100, ...)", linear.buckets(e).get(10).label());
        assertEquals("@st: count 100, average 50, total 5050\n\n", aggs.get(2).text());
    }
}
