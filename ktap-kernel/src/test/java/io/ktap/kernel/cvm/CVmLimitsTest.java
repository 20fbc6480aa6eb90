package io.ktap.kernel.cvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.ChunkWriter;
import io.ktap.bytecode.Limits;
import io.ktap.sim.SimKernel;
import io.ktap.trace.TraceOutput;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every limit of ARCHITECTURE.md decision 3 stops a program with an error record carrying the
 * same message and line as the Java VM's, and a full ring drops records and counts every one.
 */
class CVmLimitsTest {

    private static final Limits SMALL = Limits.DEFAULT.withMainBudget(10_000).withMaxCallDepth(20)
            .withMaxTables(4).withMaxTableEntries(16).withMaxStringLength(16).withStringPoolBytes(64)
            .withMaxClosures(3);

    private static TwoVms.Result both(String script) {
        Chunk c = Scripts.compile("limits.kp", script.getBytes(StandardCharsets.UTF_8), SMALL);
        return TwoVms.run(c, new SimKernel(), List.of(), List.of());
    }

    static Stream<Arguments> limits() {
        return Stream.of(
                Arguments.of("var z = 0\nprint(1 / z)", "division by zero"),
                Arguments.of("var z = 0\nprint(1 % z)", "modulo by zero"),
                Arguments.of("var n = 0\nwhile (true) { n += 1 }", "instruction budget exceeded"),
                Arguments.of("function r(n) { return 1 + r(n + 1) }\nr(0)", "stack overflow"),
                Arguments.of("var k = {}\nfor (i = 1, 10) { k[i] = {} }", "table quota exceeded"),
                Arguments.of("var k = {}\nfor (i = 1, 100) { k[i] = i }", "table quota exceeded"),
                Arguments.of("var s = \"abcdefghij\"\ns = s .. s", "string length limit exceeded"),
                Arguments.of("var k = {}\nvar s = \"abcdefghi\"\nfor (i = 1, 10) { k[i] = s .. \"x\" }",
                        "string quota exceeded"),
                Arguments.of("var k = {}\nfor (i = 1, 10) { k[i] = function () { return i } }",
                        "closure quota exceeded"),
                Arguments.of("print(\"a\" .. 1)", "attempt to concatenate a number value"),
                Arguments.of("var t = nil\nprint(t[1])", "attempt to index a nil value"),
                Arguments.of("print(1 < \"x\")", "attempt to compare number with string"),
                Arguments.of("printf(\"%d\", \"x\")", "bad argument #2 to 'printf' (number expected, got string)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("limits")
    void limitIsAnErrorRecordOnBothVms(String script, String message) {
        TwoVms.Result r = both(script);
        assertEquals(r.javaText(), r.cText());
        TraceOutput last = r.c().get(r.c().size() - 1);
        assertInstanceOf(TraceOutput.RuntimeError.class, last, r.cText());
        assertEquals(message, ((TraceOutput.RuntimeError) last).message());
        assertTrue(((TraceOutput.RuntimeError) last).line() > 0, "the error names a line");
    }

    @Test
    void tailCallsDoNotGrowTheStack() {
        TwoVms.Result r = both("function loop(n) { if (n == 0) { return \"done\" } return loop(n - 1) }\n"
                + "print(loop(500))");
        assertEquals("done\n", r.cText());
        assertEquals(r.javaText(), r.cText());
    }

    @Test
    void deadTablesAreCollectedSoTheQuotaCountsOnlyLiveOnes() {
        TwoVms.Result r = both("var k\nfor (i = 1, 200) { k = {i} }\nprint(k[1])");
        assertEquals("200\n", r.cText());
    }

    /** A full ring drops records and counts them: received + lost = produced, exactly. */
    @Test
    void fullRingCountsLostRecords() {
        Chunk c = Scripts.compile("ring.kp", "for (i = 1, 1000) { print(\"line\", i) }".getBytes(StandardCharsets.UTF_8),
                Limits.DEFAULT);
        try (CVm vm = CVm.load(ChunkWriter.write(c), c, 4096)) {
            assertEquals(CVm.Outcome.OK, vm.runMain());
            List<TraceOutput> out = vm.drain();
            long prints = out.stream().filter(o -> o instanceof TraceOutput.Print).count();
            assertTrue(prints > 0 && prints < 1000, "some records fit: " + prints);
            // The lost count is reported with the next record that fits; none comes here.
            assertEquals(CVm.Outcome.OK, vm.runEnd());
            List<TraceOutput> after = vm.drain();
            long lost = after.stream().filter(o -> o instanceof TraceOutput.Lost).mapToLong(o -> ((TraceOutput.Lost) o).count())
                    .sum();
            assertEquals(0, lost, "no record was produced after draining, so no LOST record yet");
        }
        try (CVm vm = CVm.load(ChunkWriter.write(withPrintAfter(c)), withPrintAfter(c), 4096)) {
            vm.runMain();
            List<TraceOutput> first = vm.drain();
            vm.runEnd();
            List<TraceOutput> second = vm.drain();
            long prints = first.stream().filter(o -> o instanceof TraceOutput.Print).count()
                    + second.stream().filter(o -> o instanceof TraceOutput.Print).count();
            long lost = second.stream().filter(o -> o instanceof TraceOutput.Lost)
                    .mapToLong(o -> ((TraceOutput.Lost) o).count()).sum();
            assertEquals(1001, prints + lost, "every record produced is received or counted lost");
            assertTrue(lost > 0);
        }
    }

    /** Records of every size wrap around a small ring (fillers down to 8 bytes) in order. */
    @Test
    void ringWrapsAroundInOrder() {
        Chunk c = Scripts.compile("wrap.kp", ("var s = \"\"\ntrace syscalls:sys_enter_openat { "
                + "s = s .. \"x\"\n if (len(s) > 60) { s = \"\" }\n print(s, arg1) }").getBytes(StandardCharsets.UTF_8),
                Limits.DEFAULT);
        StringBuilder expected = new StringBuilder();
        StringBuilder got = new StringBuilder();
        String s = "";
        try (CVm vm = CVm.load(ChunkWriter.write(c), c, 4096)) {
            vm.runMain();
            for (int i = 0; i < 700; i++) {
                s = s + "x";
                if (s.length() > 60) {
                    s = "";
                }
                expected.append(s).append('\t').append(i).append('\n');
                CEvent e = new CEvent("sys_enter_openat".getBytes(StandardCharsets.UTF_8), new byte[0],
                        List.of(new CEvent.Field("n".getBytes(StandardCharsets.UTF_8), (long) i)), true);
                assertEquals(CVm.Outcome.OK, vm.runProbe(0, e));
                if (i % 3 == 2) {
                    vm.drain().forEach(o -> got.append(o.text()));
                }
            }
            vm.drain().forEach(o -> got.append(o.text()));
        }
        assertEquals(expected.toString(), got.toString());
    }

    private static Chunk withPrintAfter(Chunk c) {
        return Scripts.compile("ring.kp", ("for (i = 1, 1000) { print(\"line\", i) }\n"
                + "trace_end { print(\"end\") }").getBytes(StandardCharsets.UTF_8), Limits.DEFAULT);
    }
}
