package io.ktap.vm;

import static io.ktap.vm.Scripts.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.sim.SimSession;
import io.ktap.trace.AggregationKind;
import io.ktap.trace.TraceOutput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Aggregations on the Java VM: each kind's semantics, printing, errors and quotas. */
class AggregationTest {

    private static TraceOutput.Aggregation only(SimSession s) {
        List<TraceOutput.Aggregation> aggs = s.outputs().stream().filter(TraceOutput.Aggregation.class::isInstance)
                .map(TraceOutput.Aggregation.class::cast).toList();
        assertEquals(1, aggs.size(), () -> "outputs: " + s.outputs());
        return aggs.get(0);
    }

    @Test
    void countsPerKeyAndPrintsSortedByValue() {
        SimSession s = Scripts.start("""
                var s = {}
                trace syscalls:sys_enter_* { s[argname] = count() }
                trace_end { print(s) }
                """);
        s.fire("syscalls:sys_enter_read");
        s.fire("syscalls:sys_enter_write");
        s.fire("syscalls:sys_enter_read");
        s.fire("syscalls:sys_enter_close");
        s.fire("syscalls:sys_enter_read");
        s.close();
        assertEquals("""
                @s[sys_enter_write]: 1
                @s[sys_enter_close]: 1
                @s[sys_enter_read]: 3
                """, s.text());
        TraceOutput.Aggregation a = only(s);
        assertEquals("s", a.name());
        assertEquals(AggregationKind.COUNT, a.kind());
        assertEquals(List.of("sys_enter_write", "sys_enter_close", "sys_enter_read"),
                a.entries().stream().map(TraceOutput.Aggregation.Entry::key).toList());
    }

    @Test
    void sessionsDeliverAggregationTextToOnPrint() {
        SimSession s = new io.ktap.sim.SimBackend(new io.ktap.sim.SimKernel()).open(Scripts.program("c = count()\nprint(c)"),
                io.ktap.trace.TraceOptions.defaults());
        StringBuilder printed = new StringBuilder();
        s.onPrint(printed::append);
        s.start();
        assertEquals("@c: 1\n", printed.toString());
        assertEquals("@c: 1\n", s.printed());
        assertEquals(1, s.aggregations().size());
    }

    @Test
    void scalarKinds() {
        assertEquals("""
                @c: 4
                @s: 13
                @lo: -5
                @hi: 10
                @a: 3

                @st: count 4, average 3, total 13

                """, run("""
                var c, s, lo, hi, a, st
                var values = {3, -5, 10, 5}
                for (i = 1, 4) {
                    var v = values[i]
                    c = count()
                    s = sum(v)
                    lo = min(v)
                    hi = max(v)
                    a = avg(v)
                    st = stats(v)
                }
                print(c) print(s) print(lo) print(hi) print(a) print(st)
                """));
    }

    @Test
    void averageTruncatesTowardZero() {
        assertEquals("@a: -2\n\n@b: 2\n\n", run("a = avg(-3)\na = avg(-2)\nb = avg(2)\nb = avg(3)\nprint(a)\nprint(b)"));
    }

    @Test
    void sumsWrapLikeAllArithmetic() {
        assertEquals("@s: -9223372036854775808\n", run("s = sum(9223372036854775807)\ns = sum(1)\nprint(s)"));
    }

    @Test
    void histogramBucketsIncludeNegativesZeroAndOne() {
        assertEquals("""
                @h:\s
                (..., 0)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
                [0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
                [1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
                [2, 4)                 0 |                                                    |
                [4, 8)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
                [8, 16)                0 |                                                    |
                [16, 32)               0 |                                                    |
                [32, 64)               0 |                                                    |
                [64, 128)              0 |                                                    |
                [128, 256)             0 |                                                    |
                [256, 512)             0 |                                                    |
                [512, 1K)              0 |                                                    |
                [1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |

                """, run("""
                var vs = {-1, -9223372036854775807 - 1, 0, 1, 4, 7, 1500}
                for (i = 1, 7) { h = hist(vs[i]) }
                print(h)
                """));
    }

    @Test
    void histogramTopBucketHoldsTheLargestNumber() {
        SimSession s = Scripts.start("h = hist(9223372036854775807)\nh = hist(4611686018427387904)\nprint(h)");
        s.close();
        TraceOutput.Aggregation a = only(s);
        TraceOutput.Aggregation.Entry e = a.entries().get(0);
        assertEquals(AggregationKind.HIST_BUCKETS - 1, e.firstBucket());
        assertEquals(List.of(2L), e.buckets());
        TraceOutput.Aggregation.Bucket b = a.buckets(e).get(0);
        assertEquals(4611686018427387904L, b.low());
        assertEquals(Long.MAX_VALUE, b.high());
        assertEquals("[4E, 8E)", b.label());
    }

    @Test
    void linearHistogramHasUnderAndOverflowBuckets() {
        assertEquals("""
                @l:\s
                (..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
                [0, 100)               0 |                                                    |
                [100, 200)             2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
                [200, 300)             0 |                                                    |
                [300, 400)             0 |                                                    |
                [400, 500)             0 |                                                    |
                [500, 600)             0 |                                                    |
                [600, 700)             0 |                                                    |
                [700, 800)             0 |                                                    |
                [800, 900)             0 |                                                    |
                [900, 1000)            1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
                [1000, ...)            2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

                """, run("""
                var vs = {-5, 100, 199, 999, 1000, 9223372036854775807}
                for (i = 1, 6) { l = lhist(vs[i], 0, 1000, 100) }
                print(l)
                """));
    }

    @Test
    void linearHistogramLabelsUseKAndMAndNegativeBounds() {
        assertEquals("""
                @k:\s
                [2K, 3K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

                @n:\s
                (..., -20)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
                [-20, -10)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
                [-10, 0)               0 |                                                    |
                [0, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

                """, run("""
                k = lhist(2048, 1024, 4096, 1024)
                n = lhist(-21, -20, 20, 10)
                n = lhist(-20, -20, 20, 10)
                n = lhist(9, -20, 20, 10)
                print(k)
                print(n)
                """));
    }

    @Test
    void histogramsOfATableSortByTheirNumberOfValues() {
        assertEquals("""
                @h[b]:\s
                [64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

                @h[a]:\s
                [2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

                """, run("var h = {}\nh[\"a\"] = hist(3)\nh[\"b\"] = hist(100)\nh[\"a\"] = hist(2)\nprint(h)"));
    }

    @Test
    void statsOfATableEndWithOneEmptyLine() {
        assertEquals("@st[y]: count 1, average 1, total 1\n@st[x]: count 2, average 5, total 10\n\n",
                run("var st = {}\nst.x = stats(4)\nst.x = stats(6)\nst.y = stats(1)\nprint(st)"));
    }

    @Test
    void keysPrintAsPrintShowsThem() {
        assertEquals("@t[true]: 1\n@t[7]: 2\n", run("var t = {}\nt[7] = count()\nt[true] = count()\nt[7] = count()\nprint(t)"));
    }

    @Test
    void aggregationsAmongOtherArgumentsShowTheirValue() {
        assertEquals("3\t1\tcount 2, average 2, total 5\thist()\tlhist(0, 10, 1)\n", run("""
                s = sum(1)
                s = sum(2)
                c = count()
                st = stats(2)
                st = stats(3)
                h = hist(1)
                l = lhist(1, 0, 10, 1)
                print(s, c, st, h, l)
                """));
        assertEquals("[3]\n", run("s = sum(3)\nprintf(\"[%s]\\n\", s)"));
    }

    @Test
    void aTableOfMixedValuesPrintsAsATable() {
        String out = run("var t = {}\nt.a = count()\nt.b = 1\nprint(t)");
        assertTrue(out.startsWith("table: 0x"), out);
        assertEquals("nil\n", run("var never\nif (false) { never = count() }\nprint(never)"));
    }

    @Test
    void histogramOfCountAggregationsWorksLikeOnCounts() {
        String counts = run("var s = {}\ns.a = count()\ns.b = count()\ns.a = count()\nhistogram(s)");
        String plain = run("var s = {}\ns.a = 2\ns.b = 1\nhistogram(s)");
        assertEquals(plain, counts);
        assertEquals("error: t.kp:3: histogram: the value of key 'a' is a aggregation, not a number\n",
                run("var s = {}\ns.a = hist(1)\nhistogram(s)"));
    }

    @Test
    void updatesCheckTheValueAndTheSlot() {
        assertEquals("error: t.kp:1: bad argument #1 to 'sum' (number expected, got string)\n", run("s = sum(\"x\")"));
        assertEquals("error: t.kp:2: attempt to update a number value with count()\n", run("var s = 1\ns = count()"));
        assertEquals("error: t.kp:3: attempt to update a count() aggregation with sum()\n",
                run("var t = {}\nt.x = count()\nt.x = sum(1)"));
        assertEquals("error: t.kp:2: attempt to update a lhist(0, 10, 1) aggregation with lhist(0, 20, 2)\n",
                run("l = lhist(1, 0, 10, 1)\nl = lhist(1, 0, 20, 2)"));
        assertEquals("error: t.kp:2: attempt to index a nil value\n", run("var t\nt[1] = count()"));
        assertEquals("error: t.kp:2: table index is nil\n", run("var t = {}\nt[nil] = count()"));
    }

    @Test
    void aggregationsAreNotNumbers() {
        assertEquals("error: t.kp:2: attempt to perform arithmetic on a aggregation value\n", run("c = count()\nprint(c + 1)"));
        assertEquals("error: t.kp:3: attempt to perform arithmetic on a aggregation value\n",
                run("var s = {}\ns.k = count()\ns.k += 1"));
        assertEquals("error: t.kp:2: attempt to compare aggregation with number\n", run("c = count()\nprint(c < 1)"));
        assertEquals("true\tfalse\n", run("c = count()\nd = count()\nprint(c == c, c == d)"));
    }

    @Test
    void aNameAssignedByTheScriptStaysItsVariable() {
        assertEquals("3\n", run("function max(a, b) { if (a > b) { return a } return b }\nprint(max(1, 3))"));
        assertEquals("1\n", run("hist = {}\nhist[1] = 1\nprint(hist[1])"));
    }

    @Test
    void globalsReadFromJavaAreAggregationRecords() {
        SimSession s = Scripts.start("var t = {}\nt.a = sum(5)\nx = stats(3)");
        Object x = s.global("x");
        TraceOutput.Aggregation a = assertInstanceOf(TraceOutput.Aggregation.class, x);
        assertEquals(AggregationKind.STATS, a.kind());
        assertEquals(3, a.value(a.entries().get(0)));
        Map<Object, Object> t = s.table("t");
        TraceOutput.Aggregation ta = assertInstanceOf(TraceOutput.Aggregation.class, t.get("a"));
        assertEquals(5, ta.value(ta.entries().get(0)));
        s.close();
    }

    @Test
    void aggregationsCountAgainstTheEntryQuota() {
        // hist: 1 + 65/8 rounded up = 10 entries; the table slot is one more.
        io.ktap.trace.Limits limits = io.ktap.trace.Limits.defaults().tableEntries(21);
        String script = "var t = {}\nfor (i = 1, 3) { t[i] = hist(i) }\nprint(\"done\")";
        assertEquals("error: t.kp:2: table quota exceeded\n",
                run(script, io.ktap.trace.TraceOptions.defaults().limits(limits)));
        assertEquals("done\n", run(script, io.ktap.trace.TraceOptions.defaults()
                .limits(io.ktap.trace.Limits.defaults().tableEntries(34))));
    }
}
