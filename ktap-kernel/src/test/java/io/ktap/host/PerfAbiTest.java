package io.ktap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ktap.host.internal.LongIntMap;
import io.ktap.host.internal.Perf;
import io.ktap.host.internal.PerfEventAttr;
import io.ktap.host.internal.SampleLayout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The perf ABI as we lay it out, against include/uapi/linux/perf_event.h. */
class PerfAbiTest {
    @Test
    void perfEventAttrFieldsSitAtTheirUapiOffsets() {
        PerfEventAttr attr = new PerfEventAttr(Perf.TYPE_TRACEPOINT, 305)
                .samplePeriod(1)
                .sampleType(Perf.SAMPLE_RAW | Perf.SAMPLE_IDENTIFIER)
                .readFormat(Perf.FORMAT_LOST)
                .flags(Perf.FLAG_DISABLED | Perf.FLAG_INHERIT | Perf.FLAG_ENABLE_ON_EXEC | Perf.FLAG_WATERMARK)
                .wakeup(1024)
                .config1(0x1111)
                .config2(0x2222)
                .sampleMaxStack(127)
                .clockId(Perf.CLOCK_MONOTONIC);
        ByteBuffer b = ByteBuffer.wrap(attr.toBytes()).order(ByteOrder.nativeOrder());
        assertEquals(136, b.capacity(), "PERF_ATTR_SIZE_VER8");
        assertEquals(2, b.getInt(0), "type");
        assertEquals(136, b.getInt(4), "size");
        assertEquals(305, b.getLong(8), "config");
        assertEquals(1, b.getLong(16), "sample_period");
        assertEquals((1L << 10) | (1L << 16), b.getLong(24), "sample_type");
        assertEquals(1L << 4, b.getLong(32), "read_format");
        // disabled:1 inherit:1 ... enable_on_exec is bit 12, watermark 14, use_clockid 25
        assertEquals(1L | 2L | (1L << 12) | (1L << 14) | (1L << 25), b.getLong(40), "flag bits");
        assertEquals(1024, b.getInt(48), "wakeup_watermark");
        assertEquals(0x1111, b.getLong(56), "config1");
        assertEquals(0x2222, b.getLong(64), "config2");
        assertEquals(1, b.getInt(92), "clockid");
        assertEquals(127, b.getShort(108), "sample_max_stack");
    }

    @Test
    void sampleLayoutFollowsTheAbiOrder() {
        SampleLayout all = new SampleLayout(Perf.SAMPLE_IDENTIFIER | Perf.SAMPLE_IP | Perf.SAMPLE_TID
                | Perf.SAMPLE_TIME | Perf.SAMPLE_CPU | Perf.SAMPLE_CALLCHAIN | Perf.SAMPLE_RAW);
        assertEquals(List.of(8, 16, 24, 32, 40, 48, -1),
                List.of(all.id, all.ip, all.tid, all.time, all.cpu, all.callchain, all.raw));
        SampleLayout tp = new SampleLayout(Perf.SAMPLE_IDENTIFIER | Perf.SAMPLE_TID | Perf.SAMPLE_TIME
                | Perf.SAMPLE_CPU | Perf.SAMPLE_RAW);
        assertEquals(List.of(8, -1, 16, 24, 32, -1, 40),
                List.of(tp.id, tp.ip, tp.tid, tp.time, tp.cpu, tp.callchain, tp.raw));
        assertThrows(IllegalArgumentException.class, () -> new SampleLayout(Perf.SAMPLE_RAW));
        assertThrows(IllegalArgumentException.class, () -> new SampleLayout(Perf.SAMPLE_IDENTIFIER | Perf.SAMPLE_READ));
    }

    @Test
    void longIntMapAgreesWithHashMap() {
        LongIntMap map = new LongIntMap();
        Map<Long, Integer> model = new HashMap<>();
        Random random = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            long key = random.nextInt(3000) * 0x1_0000_0001L;
            int value = random.nextInt(1000);
            map.put(key, value);
            model.put(key, value);
        }
        assertEquals(model.size(), map.size());
        for (long k = 0; k < 3000; k++) {
            long key = k * 0x1_0000_0001L;
            assertEquals(model.getOrDefault(key, -1), map.get(key));
        }
    }

    @Test
    void cpuListsParse() {
        assertEquals(List.of(0, 1, 2, 3, 6), HostSupport.parseCpuList("0-3,6"));
        assertEquals(List.of(0), HostSupport.parseCpuList("0"));
    }
}
