package io.ktap.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.ast.Diagnostic;
import io.ktap.ast.Program;
import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.ChunkReader;
import io.ktap.bytecode.ChunkWriter;
import io.ktap.bytecode.Codegen;
import io.ktap.bytecode.CodegenResult;
import io.ktap.bytecode.Disassembler;
import io.ktap.bytecode.Limits;
import io.ktap.bytecode.RecordSchema;
import io.ktap.bytecode.RecordSchema.FieldType;
import io.ktap.compiler.KtapCompiler;
import io.ktap.sim.SimBackend;
import io.ktap.sim.SimKernel;
import io.ktap.sim.SimSession;
import io.ktap.sim.SimTask;
import io.ktap.trace.RecordType;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import io.ktap.trace.TraceProgram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** emit: codegen against declared and inferred record types, and the Java VM's field checks. */
class EmitTest {

    record OpenEvent(long pid, String comm, String path) {
    }

    record Flag(int fd, boolean ok) {
    }

    private static Program parse(String text) {
        return KtapCompiler.compile("e.kp", text).programOrThrow();
    }

    private static List<RecordSchema> schemas(Class<? extends Record>... types) {
        return Arrays.stream(types).map(t -> RecordSchema.of(RecordType.of(t))).toList();
    }

    private static List<String> errors(String text, List<RecordSchema> declared) {
        CodegenResult r = Codegen.compile(parse(text), Limits.DEFAULT, declared);
        assertFalse(r.ok(), "expected errors");
        return r.diagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::toString).toList();
    }

    @Test
    void declaredSchemasGoIntoTheChunkInOrderOfFirstUse() throws Exception {
        Chunk c = Codegen.compile(parse("""
                trace syscalls:sys_enter_close { emit("Flag", arg2, true) }
                trace syscalls:sys_enter_openat { emit("OpenEvent", pid, execname, user_string(arg3)) }
                trace syscalls:sys_enter_read { emit("Flag", 1, false) }
                """), Limits.DEFAULT, schemas(OpenEvent.class, Flag.class)).orThrow();
        assertEquals(List.of(new RecordSchema("Flag", List.of(new RecordSchema.Field("fd", FieldType.NUMBER),
                        new RecordSchema.Field("ok", FieldType.BOOLEAN))),
                new RecordSchema("OpenEvent", List.of(new RecordSchema.Field("pid", FieldType.NUMBER),
                        new RecordSchema.Field("comm", FieldType.STRING), new RecordSchema.Field("path", FieldType.STRING)))),
                c.schemas());
        assertEquals(c, ChunkReader.read(ChunkWriter.write(c)));
        String listing = Disassembler.disassemble(c);
        assertTrue(listing.contains("S0    Flag(number fd, boolean ok)"), listing);
        assertTrue(listing.contains("EMIT"), listing);
    }

    @Test
    void declaredRecordTypesAreChecked() {
        List<RecordSchema> open = schemas(OpenEvent.class);
        assertEquals(List.of("e.kp:1:18: error: unknown record type 'Opened' (the program declares OpenEvent)"),
                errors("trace a:b { emit(\"Opened\", pid, execname, \"p\") }", open));
        assertEquals(List.of("e.kp:1:13: error: record 'OpenEvent' has 3 fields (pid, comm, path), emit passes 2 values"),
                errors("trace a:b { emit(\"OpenEvent\", pid, execname) }", open));
        assertEquals(List.of("e.kp:1:18: error: emit's first argument must be a string literal naming the record type"),
                errors("var t = \"OpenEvent\"\ntrace a:b { emit(t, pid, execname, \"p\") }", open).stream()
                        .map(s -> s.replace("e.kp:2:", "e.kp:1:")).toList());
        assertFalse(KtapCompiler.compile("e.kp", "emit()").isSuccess(), "the compiler checks the builtin's arity");
        assertEquals(List.of("e.kp:1:9: error: builtin 'emit' can only be called"), errors("var e = emit", List.of()));
    }

    @Test
    void inferredRecordTypesNameTheirFieldsAfterTheValues() {
        Chunk c = Codegen.compile(parse("""
                var t = {k = 1}
                function f() { return 1 }
                trace syscalls:sys_enter_openat { emit("Open", pid, execname(), user_string(arg3), argname, t.k, 1 + 2, pid, f()) }
                trace syscalls:sys_enter_read { emit("Open", 1, 2, 3, 4, 5, 6, 7, 8) }
                """)).orThrow();
        assertEquals(1, c.schemas().size());
        RecordSchema s = c.schemas().get(0);
        assertEquals("Open", s.name());
        assertEquals(List.of("pid", "execname", "user_string", "argname", "k", "_6", "pid_2", "f"), s.fieldNames());
        assertTrue(s.fields().stream().allMatch(f -> f.type() == FieldType.ANY));
        assertEquals(List.of("e.kp:2:13: error: record 'R' is emitted with 1 value here, but with 2 at line 1"),
                errors("emit(\"R\", 1, 2)\ntrace a:b { emit(\"R\", 1) }", List.of()));
        assertEquals(List.of("e.kp:1:1: error: wrong number of arguments to 'emit' (expects at least 2: the record type and a value)"),
                errors("emit(\"R\")", List.of()));
    }

    @Test
    void declaredRecordsArriveAsTheirJavaRecordClass() {
        SimKernel kernel = new SimKernel();
        kernel.userString(0x7000, "/etc/passwd");
        TraceProgram.Source p = TraceProgram.of(parse("""
                trace syscalls:sys_enter_openat { emit("OpenEvent", pid, execname, user_string(arg3)) }
                trace syscalls:sys_enter_close { var x = emit("Flag", arg2, arg2 > 2) print(x) }
                """)).withRecords(OpenEvent.class, Flag.class);
        SimSession s = new SimBackend(kernel).open(p, TraceOptions.defaults());
        List<OpenEvent> opens = new ArrayList<>();
        s.onRecord(OpenEvent.class, opens::add);
        s.startAsync();
        s.fireAs(SimTask.of(42, "cat"), 1, "syscalls:sys_enter_openat", Map.of("dfd", -100, "filename", 0x7000));
        s.fireAs(SimTask.of(43, "sh"), 0, "syscalls:sys_enter_close", Map.of("fd", 3));
        s.close();
        assertEquals(List.of(new OpenEvent(42, "cat", "/etc/passwd")), opens);
        assertEquals(List.of(new Flag(3, true)), s.records(Flag.class));
        assertEquals("OpenEvent{pid=42, comm=cat, path=/etc/passwd}\nFlag{fd=3, ok=true}\nnil\n", s.text());
        TraceOutput.Emit first = (TraceOutput.Emit) s.outputs().get(0);
        assertEquals(1, first.cpu());
    }

    @Test
    void aValueOfTheWrongTypeIsARuntimeErrorWithItsLine() {
        SimSession s = new SimBackend(new SimKernel()).open(TraceProgram.of(parse("""
                print("start")
                emit("OpenEvent", pid, 7, "p")
                """)).withRecords(OpenEvent.class), TraceOptions.defaults());
        s.start();
        assertEquals("start\nerror: e.kp:2: emit: field 'comm' of record OpenEvent expects string, got number\n", s.text());
        assertEquals(List.of("nil", "table", "boolean"), List.of(
                runError("emit(\"Flag\", nil, true)"), runError("emit(\"Flag\", {}, true)"), runError("emit(\"Flag\", 1, 1 == 1)")));
    }

    /** The type the Flag record's first field got, from the error message (or "boolean" when it ran). */
    private static String runError(String script) {
        SimSession s = new SimBackend(new SimKernel()).open(TraceProgram.of(parse(script)).withRecords(Flag.class),
                TraceOptions.defaults());
        s.start();
        if (s.errors().isEmpty()) {
            return s.records(Flag.class).get(0).ok() ? "boolean" : "?";
        }
        String m = s.errors().get(0).message();
        return m.substring(m.lastIndexOf(' ') + 1);
    }

    @Test
    void inferredFieldsTakeNilNumbersStringsAndBooleansButNotTables() {
        SimSession s = new SimBackend(new SimKernel()).open(TraceProgram.of(parse("""
                emit("R", nil, 1, "two", true)
                emit("R", 1, {}, 3, 4)
                """)), TraceOptions.defaults());
        s.start();
        TraceOutput.Emit e = (TraceOutput.Emit) s.outputs().get(0);
        assertEquals(List.of("_1", "_2", "_3", "_4"), e.names());
        assertEquals(Arrays.asList(null, 1L, "two", true), e.values());
        assertEquals("R{_1=nil, _2=1, _3=two, _4=true}\n"
                + "error: e.kp:2: emit: field '_2' of record R expects nil, number, string or boolean, got table\n", s.text());
    }

    @Test
    void emitIsNeverCalledThroughCallb() {
        // a hand-made chunk: CALLB emit(1); codegen never writes it
        io.ktap.bytecode.Proto main = new io.ktap.bytecode.Proto("main", 1, io.ktap.bytecode.Proto.NO_PARENT, 0, false, 2,
                List.of(), List.of(), new int[] {io.ktap.bytecode.Ins.ad(io.ktap.bytecode.Opcode.KSHORT, 0, 1),
                        io.ktap.bytecode.Ins.abc(io.ktap.bytecode.Opcode.CALLB, 0, 2, io.ktap.ast.Builtin.EMIT.id()),
                        io.ktap.bytecode.Ins.ad(io.ktap.bytecode.Opcode.RET, 0, 1)}, new int[] {1, 1, 1});
        Chunk c = new Chunk("c.kp", Limits.DEFAULT, List.of(), List.of(main), List.of(), List.of(), List.of());
        SimSession s = new SimBackend(new SimKernel()).open(TraceProgram.ofChunk(ChunkWriter.write(c)), TraceOptions.defaults());
        s.start();
        assertEquals("error: c.kp:1: emit(...) is compiled to the EMIT instruction, not called\n", s.text());
    }
}
