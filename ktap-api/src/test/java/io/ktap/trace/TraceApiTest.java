package io.ktap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceApiTest {

    record Open(int pid, String path, boolean ok) {
    }

    @Test
    void emitDecodesIntoRecordByComponentName() {
        var emit = new TraceOutput.Emit(0, 0, "Open", List.of("path", "pid", "ok"),
                Arrays.asList("/etc/passwd", 42L, true));
        assertEquals(new Open(42, "/etc/passwd", true), emit.as(Open.class));
        assertEquals("Open{path=/etc/passwd, pid=42, ok=true}\n", emit.text());
    }

    @Test
    void emitRejectsMissingFieldsAndOverflow() {
        var missing = new TraceOutput.Emit(0, 0, "Open", List.of("pid"), List.of(1L));
        assertThrows(IllegalArgumentException.class, () -> missing.as(Open.class));
        var big = new TraceOutput.Emit(0, 0, "Open", List.of("path", "pid", "ok"),
                Arrays.asList("x", 1L << 40, false));
        assertThrows(IllegalArgumentException.class, () -> big.as(Open.class));
    }

    record Boxed(Long pid, Integer fd, Short s, Byte b, Boolean ok, String name) {
    }

    record WithList(java.util.List<String> items) {
    }

    @Test
    void recordTypeOfARecordClassListsItsComponents() {
        RecordType t = RecordType.of(Boxed.class);
        assertEquals("Boxed", t.name());
        assertEquals(List.of("pid", "fd", "s", "b", "ok", "name"), t.fieldNames());
        assertEquals(List.of(RecordType.Kind.NUMBER, RecordType.Kind.NUMBER, RecordType.Kind.NUMBER, RecordType.Kind.NUMBER,
                RecordType.Kind.BOOLEAN, RecordType.Kind.STRING), t.fields().stream().map(RecordType.Field::kind).toList());
        assertEquals(new RecordType("Open", List.of(new RecordType.Field("pid", RecordType.Kind.NUMBER),
                new RecordType.Field("path", RecordType.Kind.STRING), new RecordType.Field("ok", RecordType.Kind.BOOLEAN))),
                RecordType.of(Open.class));
        var e = assertThrows(IllegalArgumentException.class, () -> RecordType.of(WithList.class));
        assertEquals("record " + WithList.class.getName() + " component 'items' is a java.util.List: a typed record's"
                + " components are long, int, short, byte, boolean (or their boxes) or String", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RecordType("R", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new RecordType("R", List.of(
                new RecordType.Field("a", RecordType.Kind.NUMBER), new RecordType.Field("a", RecordType.Kind.STRING))));
    }

    @Test
    void sourceDeclaresRecordTypesOncePerName() {
        var program = new io.ktap.ast.Program(io.ktap.ast.Span.NONE,
                new io.ktap.ast.Block(io.ktap.ast.Span.NONE, List.of()));
        TraceProgram.Source s = TraceProgram.of(program);
        assertEquals(List.of(), s.records());
        TraceProgram.Source with = s.withRecords(Open.class, Boxed.class, Open.class);
        assertEquals(List.of(RecordType.of(Open.class), RecordType.of(Boxed.class)), with.records());
        RecordType other = new RecordType("Open", List.of(new RecordType.Field("x", RecordType.Kind.NUMBER)));
        assertThrows(IllegalArgumentException.class, () -> with.withRecordTypes(List.of(other)));
    }

    @Test
    void emitDecodesFieldsInAnyOrderAndBoxes() {
        var inOrder = new TraceOutput.Emit(0, 0, "Boxed", List.of("pid", "fd", "s", "b", "ok", "name"),
                Arrays.asList(1L, 2L, 3L, 4L, true, "x"));
        assertEquals(new Boxed(1L, 2, (short) 3, (byte) 4, true, "x"), inOrder.as(Boxed.class));
        var shuffled = new TraceOutput.Emit(0, 0, "Boxed", List.of("name", "ok", "b", "s", "fd", "pid"),
                Arrays.asList("x", true, 4L, 3L, 2L, 1L));
        assertEquals(new Boxed(1L, 2, (short) 3, (byte) 4, true, "x"), shuffled.as(Boxed.class));
        var wrongType = new TraceOutput.Emit(0, 0, "Open", List.of("pid", "path", "ok"), Arrays.asList("7", "p", true));
        assertThrows(IllegalArgumentException.class, () -> wrongType.as(Open.class));
    }

    @Test
    void histogramTextHasTheDocumentedShape() {
        var h = new TraceOutput.Histogram(0, 0, List.of(new TraceOutput.Histogram.Row("read", 3, 28),
                new TraceOutput.Histogram.Row("write", 1, 9)), 2);
        String[] lines = h.text().split("\n", -1);
        assertEquals("                          value ------------- Distribution ------------- count", lines[0]);
        assertEquals("                           read |" + "@".repeat(28) + " ".repeat(10) + "| 3", lines[1]);
        assertEquals("                          write |" + "@".repeat(9) + " ".repeat(29) + "| 1", lines[2]);
        assertEquals("                            ... |", lines[3]);
        assertEquals("", lines[4]);
        assertEquals(lines[0].indexOf('-'), lines[1].indexOf('|'));
        assertEquals(lines[0].lastIndexOf('-'), lines[1].lastIndexOf('|'));
    }

    @Test
    void runtimeErrorText() {
        assertEquals("error: a.kp:3: division by zero\n",
                new TraceOutput.RuntimeError(0, 0, "division by zero", "a.kp", 3).text());
        assertEquals("error: division by zero\n", new TraceOutput.RuntimeError(0, 0, "division by zero", "", 0).text());
    }

    @Test
    void limitsRejectNegativeAndKnowUnlimited() {
        assertThrows(IllegalArgumentException.class, () -> Limits.defaults().callDepth(-1));
        assertFalse(Limits.defaults().hasUnlimited());
        assertTrue(Limits.defaults().instructions(0).hasUnlimited());
        assertEquals(5, Limits.defaults().instructions(5).mainInstructions());
        assertEquals(100_000, Limits.defaults().handlerInstructions());
    }

    @Test
    void missingBackendsAreUnavailableWithAReason() {
        TraceBackend b = Backends.byName("nosuch");
        assertFalse(b.isAvailable());
        assertTrue(b.unavailabilityCause().orElseThrow().contains("nosuch"));
        TraceBackend auto = Backends.auto();
        assertFalse(auto.isAvailable());
        assertThrows(TraceException.class, () -> auto.open(TraceProgram.ofChunk(new byte[0])));
    }

    /** A session whose program prints once and exits. */
    static final class OneShot extends AbstractTraceSession {
        int closes;

        @Override
        protected void doStart() {
            deliver(new TraceOutput.Print(0, 1, "hello\n"));
            deliver(new TraceOutput.Emit(0, 2, "Open", List.of("path", "pid", "ok"), Arrays.asList("/x", 7L, false)));
            deliver(new TraceOutput.Lost(1, 3, 5));
            terminated();
        }

        @Override
        protected void doClose(boolean started) {
            closes++;
        }
    }

    @Test
    void sessionLifecycle() throws InterruptedException {
        OneShot s = new OneShot();
        List<String> seen = new ArrayList<>();
        s.onPrint(seen::add).onRecord(Open.class, o -> seen.add(o.path())).onLost(l -> seen.add("lost" + l.count()))
                .onClose(() -> seen.add("closed"));
        s.start();
        assertTrue(s.isTerminated());
        assertTrue(s.awaitTermination(Duration.ZERO));
        assertThrows(IllegalStateException.class, () -> s.onPrint(x -> { }));
        assertThrows(IllegalStateException.class, s::startAsync);
        s.close();
        s.close();
        assertEquals(1, s.closes);
        assertEquals(List.of("hello\n", "/x", "lost5", "closed"), seen);
    }
}
