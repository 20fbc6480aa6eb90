package io.ktap.kernel.cvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.Limits;
import io.ktap.bytecode.RecordSchema;
import io.ktap.bytecode.RecordView;
import io.ktap.sim.SimKernel;
import io.ktap.sim.SimTask;
import io.ktap.trace.RecordType;
import io.ktap.trace.TraceOutput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * emit on both VMs: the C VM packs each field into the EMIT ring record, {@link RecordView}
 * decodes it, and the records equal the Java VM's; a value of the wrong type is the same runtime
 * error on both.
 */
class CVmEmitTest {

    record OpenEvent(long pid, String comm, int fd, boolean ok) {
    }

    @BeforeAll
    static void library() {
        assertTrue(CVm.isAvailable(), () -> "libktapvm.so: " + CVm.unavailabilityCause().orElse(""));
    }

    private static TwoVms.Result run(String script, List<RecordSchema> records) {
        Chunk chunk = Scripts.compile("emit.kp", script.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT, records);
        SimKernel kernel = new SimKernel();
        kernel.userString(0x7000, "/etc/passwd");
        SimTask task = SimTask.of(4242, "cat");
        List<TwoVms.Firing> firings = chunk.probes().isEmpty() ? List.of() : List.of(
                new TwoVms.Firing(0, kernel.newEvent("syscalls:sys_enter_openat", Map.of("dfd", -100, "filename", 0x7000), task, 1)),
                new TwoVms.Firing(0, kernel.newEvent("syscalls:sys_enter_openat", Map.of("dfd", 5, "filename", 0x7000), task, 0)));
        return TwoVms.run(chunk, kernel, List.of(), firings);
    }

    @Test
    void typedFieldsArePackedAndDecodedAlike() {
        TwoVms.Result r = run("""
                trace syscalls:sys_enter_openat { emit("OpenEvent", pid, execname, arg2, arg2 > 0) }
                trace_end { emit("OpenEvent", -1, "héllo\\0x", 0x7fffffff, false) }
                """, List.of(RecordSchema.of(RecordType.of(OpenEvent.class))));
        assertEquals(List.of(
                // the simulated kernel's current task and cpu (the VMs read the kernel's, not the event's)
                Arrays.asList(0, "OpenEvent", List.of("pid", "comm", "fd", "ok"), List.of(1000L, "ktap-sim", -100L, false)),
                Arrays.asList(0, "OpenEvent", List.of("pid", "comm", "fd", "ok"), List.of(1000L, "ktap-sim", 5L, true)),
                Arrays.asList(0, "OpenEvent", List.of("pid", "comm", "fd", "ok"), List.of(-1L, "héllo\0x", 0x7fffffffL, false))),
                r.cRecords());
        assertEquals(r.javaRecords(), r.cRecords());
        assertEquals(r.javaText(), r.cText());
        TraceOutput.Emit last = (TraceOutput.Emit) r.c().get(2);
        assertEquals(new OpenEvent(-1, "héllo\0x", 0x7fffffff, false), last.as(OpenEvent.class));
    }

    @Test
    void inferredFieldsCarryTheirTypes() {
        TwoVms.Result r = run("""
                var t = {}
                emit("Any", nil, 1, "s", true, t.missing)
                emit("Any", -9223372036854775807 - 1, "", false, nil, 0)
                emit("Any", 1, 2, 3, 4, t)
                """, List.of());
        assertEquals(List.of(
                Arrays.asList(0, "Any", List.of("_1", "_2", "_3", "_4", "missing"), Arrays.asList(null, 1L, "s", true, null)),
                Arrays.asList(0, "Any", List.of("_1", "_2", "_3", "_4", "missing"), Arrays.asList(Long.MIN_VALUE, "", false, null, 0L))),
                r.cRecords());
        assertEquals(r.javaRecords(), r.cRecords());
        assertEquals(r.javaText(), r.cText());
        assertTrue(r.cText().endsWith("error: emit.kp:4: emit: field 'missing' of record Any expects nil, number, string or boolean, got table\n"),
                r.cText());
    }

    @Test
    void aValueOfTheWrongTypeIsTheSameErrorOnBothVms() {
        TwoVms.Result r = run("""
                trace syscalls:sys_enter_openat {
                    emit("OpenEvent", pid, arg2, arg2, true)
                }
                """, List.of(RecordSchema.of(RecordType.of(OpenEvent.class))));
        assertEquals(r.javaText(), r.cText());
        assertEquals("error: emit.kp:2: emit: field 'comm' of record OpenEvent expects string, got number\n",
                r.cText().lines().filter(l -> l.startsWith("error")).findFirst().orElseThrow() + "\n");
        assertEquals(List.of(), r.cRecords());
    }

    @Test
    void theViewReadsFieldsInPlaceAndRejectsMalformedPayloads() {
        RecordSchema any = new RecordSchema("R", List.of(new RecordSchema.Field("n", RecordSchema.FieldType.NUMBER),
                new RecordSchema.Field("s", RecordSchema.FieldType.STRING), new RecordSchema.Field("a", RecordSchema.FieldType.ANY)));
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(3, 0).putInt(7, 0).putLong(11, 42).putInt(19, 2).put(23, (byte) 'h').put(24, (byte) 'i').put(25, (byte) 0);
        RecordView v = new RecordView(List.of(any)).wrap(b, 3, 23);
        assertEquals("R", v.schema());
        assertEquals(42, v.getLong(0));
        assertEquals("hi", v.getString(1));
        assertTrue(v.isNil(2));
        assertEquals("s", v.fieldName(1));
        assertThrows(IllegalStateException.class, () -> v.getLong(1));
        assertThrows(IndexOutOfBoundsException.class, () -> v.get(3));
        assertEquals(new TraceOutput.Emit(2, 9, "R", List.of("n", "s", "a"), Arrays.asList(42L, "hi", null)), v.toEmit(2, 9));
        assertThrows(IllegalArgumentException.class, () -> v.wrap(b, 3, 22), "one byte short");
        assertThrows(IllegalArgumentException.class, () -> v.wrap(b, 3, 24), "one byte too many");
        b.put(25, (byte) 9);
        assertThrows(IllegalArgumentException.class, () -> v.wrap(b, 3, 23), "unknown tag");
        b.put(25, (byte) 0).putInt(3, 1);
        assertThrows(IllegalArgumentException.class, () -> v.wrap(b, 3, 23), "unknown schema");
        b.putInt(3, 0).putInt(19, -1);
        assertThrows(IllegalArgumentException.class, () -> v.wrap(b, 3, 23), "negative string length");
        assertThrows(IllegalArgumentException.class, () -> v.wrap(ByteBuffer.allocate(64), 0, 23), "big-endian");
    }
}
