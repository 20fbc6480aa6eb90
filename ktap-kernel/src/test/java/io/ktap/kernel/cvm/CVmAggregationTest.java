package io.ktap.kernel.cvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.Limits;
import io.ktap.sim.SimEvent;
import io.ktap.sim.SimKernel;
import io.ktap.sim.SimTask;
import io.ktap.trace.TraceOutput;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Aggregations on the C VM and the Java VM: the same records (aggregation records field for
 * field, not only their text), the same errors, the same quota behaviour.
 */
class CVmAggregationTest {

    @BeforeAll
    static void library() {
        assertTrue(CVm.isAvailable(), () -> "libktapvm.so: " + CVm.unavailabilityCause().orElse(""));
    }

    static Stream<String> scripts() {
        return Stream.of(
                "c = count()\nc = count()\nprint(c)",
                "var vs = {3, -5, 10, 5, -9223372036854775807 - 1, 9223372036854775807}\n"
                        + "var c, s, lo, hi, a, st, h\n"
                        + "for (i = 1, 6) { var v = vs[i]\n c = count()\n s = sum(v)\n lo = min(v)\n hi = max(v)\n"
                        + " a = avg(v)\n st = stats(v)\n h = hist(v) }\n"
                        + "print(c) print(s) print(lo) print(hi) print(a) print(st) print(h)\n"
                        + "print(c, s, lo, hi, a, st, h)\nprintf(\"%s|%s\\n\", st, h)",
                "var vs = {-5, 0, 100, 199, 999, 1000, 9223372036854775807, -9223372036854775807 - 1}\n"
                        + "for (i = 1, 8) { l = lhist(vs[i], 0, 1000, 100)\n n = lhist(vs[i], -1024, 2048, 1024) }\n"
                        + "print(l)\nprint(n)\nprint(l, n)",
                "var t = {}\nt[7] = count()\nt[true] = count()\nt.x = count()\nt[7] = count()\nprint(t)\nhistogram(t)",
                "var h = {}\nfor (i = 1, 40) { h[i % 3] = hist(i * i) }\nprint(h)",
                "var st = {}\nst.x = stats(4)\nst.x = stats(6)\nst.y = stats(1)\nprint(st)\nvar a = {}\n"
                        + "a.p = avg(3)\na.q = avg(1)\nprint(a)",
                "var t = {}\nt.a = count()\nt.b = sum(1)\nprint(t == t)\nvar u = {}\nu.x = count()\ndelete(u)\nprint(len(u))",
                "s = sum(\"x\")",
                "var s = 1\ns = count()",
                "var t = {}\nt.x = count()\nt.x = sum(1)",
                "l = lhist(1, 0, 10, 1)\nl = lhist(1, 0, 20, 2)",
                "var t\nt[1] = count()",
                "var t = {}\nt[nil] = count()",
                "c = count()\nprint(c + 1)",
                "var s = {}\ns.k = count()\ns.k += 1",
                "c = count()\nprint(c < 1)",
                "c = count()\nprint(len(c))",
                "var s = {}\ns.a = hist(1)\nhistogram(s)",
                "function f() { var x\n x = max(3)\n x = max(9)\n return x }\nprint(f())\n"
                        + "function g() { var y = 0\n return function () { y = sum(2)\n return y } }\nvar k = g()\n"
                        + "k()\nprint(k())",
                "var t = {}\nfor (i = 1, 3) { t[i] = hist(i) }\nprint(\"done\")",
                "var t = {}\nfor (i = 1, 40) { t[i] = count() }\nprint(\"done\")",
                "var keep = {}\nfor (i = 1, 30) { var t = {}\n t.h = lhist(i, 0, 100, 10)\n keep[i % 2] = t }\nprint(keep[1].h)");
    }

    private static final Limits SMALL = Limits.DEFAULT.withMaxTableEntries(32);

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void bothVmsWriteTheSameRecords(String script) {
        Chunk c = Scripts.compile("agg.kp", script.getBytes(StandardCharsets.UTF_8), SMALL);
        assertSame(TwoVms.run(c, new SimKernel(), List.of(), List.of()));
    }

    private static void assertSame(TwoVms.Result r) {
        assertEquals(r.javaText(), r.cText());
        assertEquals(r.java(), r.c(), "records field for field");
        assertEquals(r.javaOutcomes().stream().map(Enum::name).toList(), r.cOutcomes().stream().map(Enum::name).toList());
    }

    @Test
    void tableSlotsAggregateEventsAlike() {
        Chunk c = Scripts.compile("events.kp", """
                var calls = {}
                var bytes = {}
                var sizes = {}
                trace syscalls:sys_enter_* { calls[argname] = count() }
                trace syscalls:sys_enter_read { bytes[arg2] = sum(arg4)
                    sizes[arg2] = lhist(arg4, 0, 4096, 512) }
                trace syscalls:sys_enter_write { lat = hist(arg4) }
                trace_end { print(calls) print(bytes) print(sizes) print(lat) }
                """.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT);
        SimKernel kernel = new SimKernel();
        List<TwoVms.Firing> firings = new ArrayList<>();
        SimTask bash = SimTask.of(100, "bash");
        SimTask cat = SimTask.of(200, "cat");
        long[] counts = {1, 600, 4095, 4096, 70000, 0, 3};
        for (int i = 0; i < counts.length; i++) {
            SimTask t = i % 2 == 0 ? bash : cat;
            SimEvent read = kernel.newEvent("syscalls:sys_enter_read", Map.of("fd", 3 + i % 2, "count", counts[i]), t,
                    i % 2);
            SimEvent write = kernel.newEvent("syscalls:sys_enter_write", Map.of("fd", 1, "count", counts[i] * 3), t, 0);
            firings.add(new TwoVms.Firing(0, read));
            firings.add(new TwoVms.Firing(1, read));
            firings.add(new TwoVms.Firing(0, write));
            firings.add(new TwoVms.Firing(2, write));
        }
        TwoVms.Result r = TwoVms.run(c, kernel, List.of(), firings);
        assertSame(r);
        List<TraceOutput.Aggregation> aggs = r.c().stream().filter(TraceOutput.Aggregation.class::isInstance)
                .map(TraceOutput.Aggregation.class::cast).toList();
        assertEquals(4, aggs.size(), r.cText());
        assertEquals("""
                @calls[sys_enter_read]: 7
                @calls[sys_enter_write]: 7
                """, aggs.get(0).text());
        assertEquals("""
                @bytes[4]: 4696
                @bytes[3]: 74099
                """, aggs.get(1).text());
    }
}
