package io.ktap.bytecode;

import static io.ktap.bytecode.Ast.*;
import static io.ktap.bytecode.Opcode.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.ast.BinOp;
import io.ktap.ast.Builtin;
import java.time.Duration;
import io.ktap.trace.AggregationKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per verifier rule: a minimal chunk that breaks it, next to one that does not. */
class VerifierTest {

    private static int abc(Opcode op, int a, int b, int c) {
        return Ins.abc(op, a, b, c);
    }

    private static int ad(Opcode op, int a, int d) {
        return Ins.ad(op, a, d);
    }

    private static int asd(Opcode op, int a, int sd) {
        return Ins.asd(op, a, sd);
    }

    private static final int RET0 = ad(RET, 0, 1);

    private static Proto proto(int parent, int params, boolean variadic, int frame, List<UpvalueDesc> upvalues,
                               List<Constant> constants, int... code) {
        return new Proto("p", 1, parent, params, variadic, frame, upvalues, constants, code, new int[code.length]);
    }

    private static Proto main(int frame, List<Constant> constants, int... code) {
        return proto(Proto.NO_PARENT, 0, false, frame, List.of(), constants, code);
    }

    private static Chunk chunk(List<Proto> protos, List<ProbeEntry> probes, List<Integer> ends, List<RecordSchema> schemas) {
        return new Chunk("t.kp", Limits.DEFAULT, List.of("g"), protos, ends, probes, schemas);
    }

    private static Chunk chunk(Proto... protos) {
        return chunk(List.of(protos), List.of(), List.of(), List.of());
    }

    private static Chunk mainOnly(int frame, int... code) {
        return chunk(main(frame, List.of(new Constant.Int(7), new Constant.Str("s")), code));
    }

    private static void assertRule(Chunk c, Verifier.Rule rule) {
        List<Verifier.Error> errors = Verifier.verify(c);
        assertTrue(errors.stream().anyMatch(e -> e.rule() == rule), () -> "expected " + rule.id() + ", got " + errors);
    }

    private static void assertClean(Chunk c) {
        assertEquals(List.of(), Verifier.verify(c));
    }

    @Test
    void codegenOutputIsClean() {
        Chunk c = Listing.compile(program(var("g", table()),
                func("f", names("a"), ret(fn(names(), false, ret(name("a"))))),
                trace("a", "b", compound(index(name("g"), argname()), BinOp.ADD, num(1))),
                tick(Duration.ofSeconds(1), print(call("f", num(1)))),
                traceEnd(forIn(names("k", "v"), exprs(call("pairs", name("g"))), print(name("k"), name("v"))))));
        assertClean(c);
        assertEquals(List.of(), Verifier.verify(c, Verifier.Policy.USERSPACE));
    }

    @Test
    void v1Budgets() {
        Chunk ok = mainOnly(1, RET0);
        Chunk unlimited = ok.withLimits(Limits.DEFAULT.withHandlerBudget(0));
        assertRule(unlimited, Verifier.Rule.V1_BUDGETS);
        assertRule(ok.withLimits(Limits.DEFAULT.withMainBudget(0)), Verifier.Rule.V1_BUDGETS);
        assertEquals(List.of(), Verifier.verify(unlimited, Verifier.Policy.USERSPACE));
        assertRule(ok.withLimits(Limits.DEFAULT.withMainBudget(-1)), Verifier.Rule.V1_BUDGETS);
        assertClean(ok);
    }

    @Test
    void v2LimitRanges() {
        Chunk ok = mainOnly(1, RET0);
        assertRule(ok.withLimits(Limits.DEFAULT.withMaxCallDepth(0)), Verifier.Rule.V2_LIMIT_RANGES);
        assertRule(ok.withLimits(Limits.DEFAULT.withMaxCallDepth(10_001)), Verifier.Rule.V2_LIMIT_RANGES);
        assertRule(ok.withLimits(Limits.DEFAULT.withMaxStackSlots(255)), Verifier.Rule.V2_LIMIT_RANGES);
        assertRule(ok.withLimits(Limits.DEFAULT.withMaxStringLength(0)), Verifier.Rule.V2_LIMIT_RANGES);
        assertRule(ok.withLimits(Limits.DEFAULT.withMaxTables(0)), Verifier.Rule.V2_LIMIT_RANGES);
        assertRule(ok.withLimits(Limits.DEFAULT.withMaxTableEntries(1 << 27)), Verifier.Rule.V2_LIMIT_RANGES);
        assertRule(ok.withLimits(Limits.DEFAULT.withStringPoolBytes(100)), Verifier.Rule.V2_LIMIT_RANGES);
        assertRule(ok.withLimits(Limits.DEFAULT.withMaxClosures(0)), Verifier.Rule.V2_LIMIT_RANGES);
        assertClean(ok.withLimits(Limits.DEFAULT.withMaxCallDepth(10_000).withMaxStackSlots(256)));
    }

    @Test
    void v3Counts() {
        assertRule(chunk(List.of(), List.of(), List.of(), List.of()), Verifier.Rule.V3_COUNTS);
        assertRule(mainOnly(1), Verifier.Rule.V3_COUNTS);
        List<RecordSchema> schemas = new ArrayList<>();
        for (int i = 0; i < 257; i++) {
            schemas.add(new RecordSchema("s" + i, List.of(new RecordSchema.Field("x", RecordSchema.FieldType.NUMBER))));
        }
        assertRule(chunk(List.of(main(1, List.of(), RET0)), List.of(), List.of(), schemas), Verifier.Rule.V3_COUNTS);
        assertClean(chunk(List.of(main(1, List.of(), RET0)), List.of(), List.of(), schemas.subList(0, 256)));
    }

    @Test
    void v4Main() {
        assertRule(chunk(proto(Proto.NO_PARENT, 1, false, 1, List.of(), List.of(), RET0)), Verifier.Rule.V4_MAIN);
        assertRule(chunk(proto(Proto.NO_PARENT, 0, true, 1, List.of(), List.of(), RET0)), Verifier.Rule.V4_MAIN);
    }

    @Test
    void v5Parent() {
        Proto child = proto(1, 0, false, 1, List.of(), List.of(), RET0);
        assertRule(chunk(main(1, List.of(), RET0), child), Verifier.Rule.V5_PARENT);
        assertRule(chunk(main(1, List.of(), RET0), proto(2, 0, false, 1, List.of(), List.of(), RET0)), Verifier.Rule.V5_PARENT);
        assertClean(chunk(main(1, List.of(), RET0), proto(0, 0, false, 1, List.of(), List.of(), RET0)));
    }

    @Test
    void v6RootUpvalues() {
        assertRule(chunk(proto(Proto.NO_PARENT, 0, false, 1, List.of(new UpvalueDesc(true, 0, "x")), List.of(), RET0)),
                Verifier.Rule.V6_ROOT_UPVALUES);
    }

    @Test
    void v7Params() {
        assertRule(chunk(main(1, List.of(), RET0), proto(0, 2, false, 1, List.of(), List.of(), RET0)), Verifier.Rule.V7_PARAMS);
        assertClean(chunk(main(1, List.of(), RET0), proto(0, 2, false, 2, List.of(), List.of(), RET0)));
    }

    @Test
    void v8UpvalueDescriptors() {
        Proto mid = proto(0, 0, false, 2, List.of(), List.of(), RET0);
        assertRule(chunk(main(1, List.of(), RET0), mid, proto(1, 0, false, 1, List.of(new UpvalueDesc(true, 2, "x")), List.of(), RET0)),
                Verifier.Rule.V8_UPVALUE_DESC);
        assertRule(chunk(main(1, List.of(), RET0), mid, proto(1, 0, false, 1, List.of(new UpvalueDesc(false, 0, "x")), List.of(), RET0)),
                Verifier.Rule.V8_UPVALUE_DESC);
        assertClean(chunk(main(1, List.of(), RET0), mid, proto(1, 0, false, 1, List.of(new UpvalueDesc(true, 1, "x")), List.of(), RET0)));
    }

    @Test
    void v9Opcode() {
        assertRule(mainOnly(1, Opcode.count(), RET0), Verifier.Rule.V9_OPCODE);
        assertRule(mainOnly(1, 0xff, RET0), Verifier.Rule.V9_OPCODE);
    }

    @Test
    void v10UnusedFields() {
        assertRule(mainOnly(1, ad(JMP, 1, 0), RET0), Verifier.Rule.V10_UNUSED_FIELD);
        assertRule(mainOnly(1, abc(TAILCALL, 0, 1, 1)), Verifier.Rule.V10_UNUSED_FIELD);
        assertClean(mainOnly(1, abc(TAILCALL, 0, 1, 0)));
    }

    @Test
    void v11Registers() {
        assertRule(mainOnly(2, ad(MOV, 0, 2), RET0), Verifier.Rule.V11_REGISTER);
        assertRule(mainOnly(2, abc(ADD, 2, 0, 1), RET0), Verifier.Rule.V11_REGISTER);
        assertRule(mainOnly(2, abc(TGET, 0, 1, 5), RET0), Verifier.Rule.V11_REGISTER);
        assertClean(mainOnly(2, ad(MOV, 0, 1), abc(ADD, 1, 0, 1), RET0));
    }

    @Test
    void v12Constants() {
        assertRule(mainOnly(1, ad(KCONST, 0, 2), RET0), Verifier.Rule.V12_CONSTANT);
        assertRule(mainOnly(2, abc(TGETK, 0, 1, 2), RET0), Verifier.Rule.V12_CONSTANT);
        assertClean(mainOnly(2, ad(KCONST, 0, 1), abc(TGETK, 0, 1, 1), RET0));
    }

    @Test
    void v13Upvalues() {
        Proto child = proto(0, 0, false, 1, List.of(new UpvalueDesc(true, 0, "x")), List.of(), ad(UGET, 0, 1), RET0);
        assertRule(chunk(main(1, List.of(), RET0), child), Verifier.Rule.V13_UPVALUE);
        Proto set = proto(0, 0, false, 1, List.of(new UpvalueDesc(true, 0, "x")), List.of(), ad(USET, 1, 0), RET0);
        assertRule(chunk(main(1, List.of(), RET0), set), Verifier.Rule.V13_UPVALUE);
        assertClean(chunk(main(1, List.of(), RET0),
                proto(0, 0, false, 1, List.of(new UpvalueDesc(true, 0, "x")), List.of(), ad(UGET, 0, 0), ad(USET, 0, 0), RET0)));
    }

    @Test
    void v14Globals() {
        assertRule(mainOnly(1, ad(GGET, 0, 1), RET0), Verifier.Rule.V14_GLOBAL);
        assertRule(mainOnly(1, ad(GSET, 0, 1), RET0), Verifier.Rule.V14_GLOBAL);
        assertClean(mainOnly(1, ad(GGET, 0, 0), ad(GSET, 0, 0), RET0));
    }

    @Test
    void v15ChildPrototypes() {
        Proto root = proto(Proto.NO_PARENT, 0, false, 1, List.of(), List.of(), RET0);
        assertRule(chunk(main(1, List.of(), ad(FNEW, 0, 1), RET0), root), Verifier.Rule.V15_CHILD_PROTO);
        assertRule(chunk(main(1, List.of(), ad(FNEW, 0, 2), RET0), root), Verifier.Rule.V15_CHILD_PROTO);
        assertRule(chunk(main(1, List.of(), ad(FNEW, 0, 0), RET0)), Verifier.Rule.V15_CHILD_PROTO);
        assertClean(chunk(main(1, List.of(), ad(FNEW, 0, 1), RET0), proto(0, 0, false, 1, List.of(), List.of(), RET0)));
    }

    @Test
    void v16Builtins() {
        assertRule(mainOnly(1, abc(CALLB, 0, 1, 99), RET0), Verifier.Rule.V16_BUILTIN);
        assertRule(mainOnly(1, abc(CALLB, 0, 1, 0), RET0), Verifier.Rule.V16_BUILTIN);
        assertClean(mainOnly(1, abc(CALLB, 0, 1, Builtin.PID.id()), RET0));
        assertRule(mainOnly(1, abc(CALLB, 0, 1, Builtin.COUNT.id()), RET0), Verifier.Rule.V16_BUILTIN);
    }

    @Test
    void v17Jumps() {
        assertRule(mainOnly(1, asd(JMP, 0, 1), RET0), Verifier.Rule.V17_JUMP);
        assertRule(mainOnly(1, asd(JMPF, 0, -2), RET0), Verifier.Rule.V17_JUMP);
        assertRule(mainOnly(4, asd(FORLOOP, 0, 5), RET0), Verifier.Rule.V17_JUMP);
        assertClean(mainOnly(1, asd(JMPF, 0, 0), asd(JMP, 0, -2)));
    }

    @Test
    void v18Literals() {
        assertRule(mainOnly(1, ad(KPRI, 0, 3), RET0), Verifier.Rule.V18_LITERAL);
        assertRule(mainOnly(1, ad(EVGET, 0, 12), RET0), Verifier.Rule.V18_LITERAL);
        assertClean(mainOnly(1, ad(KPRI, 0, 2), ad(EVGET, 0, 11), RET0));
    }

    @Test
    void v19SchemaReferences() {
        RecordSchema two = new RecordSchema("R", List.of(new RecordSchema.Field("a", RecordSchema.FieldType.NUMBER),
                new RecordSchema.Field("b", RecordSchema.FieldType.STRING)));
        assertRule(chunk(List.of(main(2, List.of(), abc(EMIT, 0, 2, 1), RET0)), List.of(), List.of(), List.of(two)),
                Verifier.Rule.V19_SCHEMA_REF);
        assertRule(chunk(List.of(main(2, List.of(), abc(EMIT, 0, 1, 0), RET0)), List.of(), List.of(), List.of(two)),
                Verifier.Rule.V19_SCHEMA_REF);
        assertClean(chunk(List.of(main(2, List.of(), abc(EMIT, 0, 2, 0), RET0)), List.of(), List.of(), List.of(two)));
    }

    @Test
    void v20Ranges() {
        assertRule(mainOnly(3, ad(KNIL, 2, 1), RET0), Verifier.Rule.V20_RANGE);
        assertRule(mainOnly(3, asd(FORPREP, 0, 0), RET0), Verifier.Rule.V20_RANGE);
        assertRule(mainOnly(4, asd(ITERN, 1, -1), RET0), Verifier.Rule.V20_RANGE);
        assertRule(mainOnly(3, abc(CALL, 0, 4, 1), RET0), Verifier.Rule.V20_RANGE);
        assertRule(mainOnly(3, abc(CALL, 0, 1, 5), RET0), Verifier.Rule.V20_RANGE);
        assertRule(mainOnly(3, abc(TAILCALL, 1, 3, 0)), Verifier.Rule.V20_RANGE);
        assertRule(mainOnly(3, abc(CALLB, 1, 4, Builtin.PRINT.id()), RET0), Verifier.Rule.V20_RANGE);
        assertRule(mainOnly(3, ad(RET, 1, 4)), Verifier.Rule.V20_RANGE);
        assertRule(mainOnly(3, ad(KPRI, 0, 0), ad(TSETM, 0, 0), RET0), Verifier.Rule.V20_RANGE);
        assertClean(mainOnly(4, ad(KNIL, 0, 3), asd(FORPREP, 0, 0), asd(ITERN, 0, -1), abc(CALL, 0, 4, 5),
                abc(CALLB, 1, 4, Builtin.PRINT.id()), ad(RET, 1, 4)));
    }

    @Test
    void v20RangesOfVarargAndEmit() {
        Proto variadic = proto(0, 0, true, 2, List.of(), List.of(), ad(VARG, 0, 4), RET0);
        assertRule(chunk(main(1, List.of(), RET0), variadic), Verifier.Rule.V20_RANGE);
        RecordSchema three = new RecordSchema("R", List.of(new RecordSchema.Field("a", RecordSchema.FieldType.NUMBER),
                new RecordSchema.Field("b", RecordSchema.FieldType.NUMBER), new RecordSchema.Field("c", RecordSchema.FieldType.BOOLEAN)));
        assertRule(chunk(List.of(main(3, List.of(), abc(EMIT, 1, 3, 0), RET0)), List.of(), List.of(), List.of(three)),
                Verifier.Rule.V20_RANGE);
    }

    @Test
    void v21BuiltinArity() {
        assertRule(mainOnly(2, abc(CALLB, 0, 2, Builtin.PID.id()), RET0), Verifier.Rule.V21_BUILTIN_ARITY);
        assertRule(mainOnly(2, abc(CALLB, 0, 1, Builtin.PRINTF.id()), RET0), Verifier.Rule.V21_BUILTIN_ARITY);
        assertClean(mainOnly(2, abc(CALLB, 0, 2, Builtin.PRINTF.id()), RET0));
    }

    @Test
    void v22Vararg() {
        assertRule(chunk(main(1, List.of(), RET0), proto(0, 0, false, 1, List.of(), List.of(), ad(VARG, 0, 2), RET0)),
                Verifier.Rule.V22_VARARG);
        assertClean(chunk(main(1, List.of(), RET0), proto(0, 0, true, 1, List.of(), List.of(), ad(VARG, 0, 2), RET0)));
    }

    @Test
    void v23VariableCounts() {
        // RET D=0 with no producer before it
        assertRule(mainOnly(2, ad(RET, 0, 0)), Verifier.Rule.V23_MULTRES);
        assertRule(mainOnly(2, ad(KPRI, 0, 0), ad(RET, 0, 0)), Verifier.Rule.V23_MULTRES);
        // the producer's results start below the consumer's range
        assertRule(mainOnly(3, abc(CALL, 0, 1, 0), abc(CALL, 0, 0, 1), RET0), Verifier.Rule.V23_MULTRES);
        // a consumer that is a jump target
        assertRule(mainOnly(3, asd(JMPF, 0, 1), abc(CALL, 1, 1, 0), abc(CALL, 0, 0, 1), RET0), Verifier.Rule.V23_MULTRES);
        assertRule(mainOnly(3, ad(TSETM, 0, 1), RET0), Verifier.Rule.V23_MULTRES);
        assertClean(mainOnly(3, abc(CALL, 1, 1, 0), abc(CALL, 0, 0, 1), abc(CALL, 1, 1, 0),
                abc(CALLB, 1, 0, Builtin.PRINT.id()), abc(CALL, 0, 1, 0), ad(RET, 0, 0)));
    }

    @Test
    void v24CodeEnd() {
        assertRule(mainOnly(1, ad(KPRI, 0, 0)), Verifier.Rule.V24_CODE_END);
        assertRule(mainOnly(1, asd(JMPF, 0, -1)), Verifier.Rule.V24_CODE_END);
        assertClean(mainOnly(1, asd(JMP, 0, -1)));
        assertClean(mainOnly(1, abc(TAILCALL, 0, 1, 0)));
    }

    private static Chunk withProbe(ProbeEntry p, Proto handler) {
        return chunk(List.of(main(1, List.of(), RET0), handler), List.of(p), List.of(), List.of());
    }

    private static final Proto HANDLER = proto(Proto.NO_PARENT, 0, false, 1, List.of(), List.of(), RET0);

    @Test
    void v25Handlers() {
        assertRule(withProbe(new ProbeEntry(ProbeKind.TRACEPOINT, "a:b", null, 2, 0, List.of()), HANDLER), Verifier.Rule.V25_HANDLER);
        assertRule(withProbe(new ProbeEntry(ProbeKind.TRACEPOINT, "a:b", null, 0, 0, List.of()), HANDLER), Verifier.Rule.V25_HANDLER);
        assertRule(withProbe(new ProbeEntry(ProbeKind.TRACEPOINT, "a:b", null, 1, 0, List.of()),
                proto(0, 0, false, 1, List.of(), List.of(), RET0)), Verifier.Rule.V25_HANDLER);
        assertRule(withProbe(new ProbeEntry(ProbeKind.TRACEPOINT, "a:b", null, 1, 0, List.of()),
                proto(Proto.NO_PARENT, 1, false, 1, List.of(), List.of(), RET0)), Verifier.Rule.V25_HANDLER);
        assertClean(withProbe(new ProbeEntry(ProbeKind.TRACEPOINT, "a:b", "x==1", 1, 0, List.of(5L)), HANDLER));
    }

    @Test
    void v26Probes() {
        assertRule(withProbe(new ProbeEntry(ProbeKind.TICK, "tick-0", null, 1, 0, List.of()), HANDLER), Verifier.Rule.V26_PROBE);
        assertRule(withProbe(new ProbeEntry(ProbeKind.PROFILE, "profile-1s", "x", 1, 1_000_000_000, List.of()), HANDLER),
                Verifier.Rule.V26_PROBE);
        assertRule(withProbe(new ProbeEntry(ProbeKind.TICK, "tick-1s", null, 1, 1_000_000_000, List.of(3L)), HANDLER),
                Verifier.Rule.V26_PROBE);
        assertRule(withProbe(new ProbeEntry(ProbeKind.KPROBE, "probe:x", null, 1, 5, List.of()), HANDLER), Verifier.Rule.V26_PROBE);
        List<Long> ids = new ArrayList<>();
        for (long i = 0; i <= Verifier.MAX_EVENT_IDS; i++) {
            ids.add(i);
        }
        assertRule(withProbe(new ProbeEntry(ProbeKind.TRACEPOINT, "*:*", null, 1, 0, ids), HANDLER), Verifier.Rule.V26_PROBE);
        assertClean(withProbe(new ProbeEntry(ProbeKind.TICK, "tick-1us", null, 1, 1_000, List.of()), HANDLER));
    }

    @Test
    void v26PerfEventsAndBreakpoints() {
        ProbeKind perf = ProbeKind.PERF_EVENT;
        ProbeKind bp = ProbeKind.BREAKPOINT;
        assertClean(withProbe(new ProbeEntry(perf, "perf:cycles", null, 1, 0, List.of()), HANDLER));
        assertClean(withProbe(new ProbeEntry(perf, "perf:cycles", null, 1, 0, List.of(0L, 9L, 1L, 0L)), HANDLER));
        assertClean(withProbe(new ProbeEntry(perf, "perf:emulation-faults", null, 1, 0, List.of(1L, 8L, 4000L, 1L)), HANDLER));
        assertClean(withProbe(new ProbeEntry(bp, "mem:0x10/8:x", null, 1, 0, List.of(0x10L, 8L, 4L)), HANDLER));
        assertClean(withProbe(new ProbeEntry(bp, "mem:0x10/1:r", null, 1, 0, List.of(0x10L, 1L, 1L)), HANDLER));
        for (List<Long> bad : List.of(List.of(0L, 0L, 1L), List.of(2L, 0L, 1L, 0L), List.of(0L, 10L, 1L, 0L),
                List.of(1L, 9L, 1L, 0L), List.of(0L, 0L, 0L, 0L), List.of(0L, 0L, 1L, 2L), List.of(0L, 0L, -1L, 0L),
                List.of(0L, 0L, CounterAttr.MAX_FREQUENCY + 1, 1L))) {
            assertRule(withProbe(new ProbeEntry(perf, "perf:cycles", null, 1, 0, bad), HANDLER), Verifier.Rule.V26_PROBE);
        }
        for (List<Long> bad : List.of(List.of(0x10L, 8L), List.of(0x10L, 3L, 2L), List.of(0x10L, 4L, 0L),
                List.of(0x10L, 4L, 5L), List.of(0x10L, 4L, 4L))) {
            assertRule(withProbe(new ProbeEntry(bp, "mem:0x10", null, 1, 0, bad), HANDLER), Verifier.Rule.V26_PROBE);
        }
        assertRule(withProbe(new ProbeEntry(perf, "perf:cycles", null, 1, 1000, List.of()), HANDLER), Verifier.Rule.V26_PROBE);
        assertRule(withProbe(new ProbeEntry(bp, "mem:0x10", "x==1", 1, 0, List.of()), HANDLER), Verifier.Rule.V26_PROBE);
    }

    @Test
    void v27EndBlocks() {
        assertRule(chunk(List.of(main(1, List.of(), RET0)), List.of(), List.of(0), List.of()), Verifier.Rule.V27_END_BLOCK);
        assertRule(chunk(List.of(main(1, List.of(), RET0)), List.of(), List.of(1), List.of()), Verifier.Rule.V27_END_BLOCK);
        assertRule(chunk(List.of(main(1, List.of(), RET0), proto(Proto.NO_PARENT, 0, true, 1, List.of(), List.of(), RET0)),
                List.of(), List.of(1), List.of()), Verifier.Rule.V27_END_BLOCK);
        assertClean(chunk(List.of(main(1, List.of(), RET0), HANDLER), List.of(), List.of(1, 1), List.of()));
    }

    @Test
    void v28Schemas() {
        assertRule(chunk(List.of(main(1, List.of(), RET0)), List.of(), List.of(), List.of(new RecordSchema("E", List.of()))),
                Verifier.Rule.V28_SCHEMA);
        RecordSchema dup = new RecordSchema("D", List.of(new RecordSchema.Field("a", RecordSchema.FieldType.NUMBER),
                new RecordSchema.Field("a", RecordSchema.FieldType.STRING)));
        assertRule(chunk(List.of(main(1, List.of(), RET0)), List.of(), List.of(), List.of(dup)), Verifier.Rule.V28_SCHEMA);
    }

    @Test
    void v29StringConstants() {
        Chunk c = chunk(main(1, List.of(new Constant.Str("x".repeat(512))), RET0));
        assertRule(c, Verifier.Rule.V29_STRING_LENGTH);
        assertClean(c.withLimits(Limits.DEFAULT.withMaxStringLength(512)));
    }

    private static Chunk withAggregations(Proto main, AggregationSpec... specs) {
        return new Chunk("t.kp", Limits.DEFAULT, List.of(), List.of(main), List.of(), List.of(), List.of(), List.of(specs));
    }

    private static final AggregationSpec COUNT_SPEC = new AggregationSpec("c", AggregationKind.COUNT, 0, 0, 0);

    @Test
    void v30AggregationReferences() {
        assertRule(withAggregations(main(2, List.of(), ad(AGG, 0, 1), RET0), COUNT_SPEC), Verifier.Rule.V30_AGGREGATION_REF);
        assertRule(withAggregations(main(3, List.of(), ad(TAGG, 0, 0), RET0)), Verifier.Rule.V30_AGGREGATION_REF);
        assertClean(withAggregations(main(2, List.of(), ad(AGG, 0, 0), RET0), COUNT_SPEC));
        assertClean(withAggregations(main(3, List.of(), ad(TAGG, 0, 0), RET0), COUNT_SPEC));
    }

    @Test
    void v20AggregationRanges() {
        assertRule(withAggregations(main(1, List.of(), ad(AGG, 0, 0), RET0), COUNT_SPEC), Verifier.Rule.V20_RANGE);
        assertRule(withAggregations(main(2, List.of(), ad(TAGG, 0, 0), RET0), COUNT_SPEC), Verifier.Rule.V20_RANGE);
    }

    @Test
    void v31AggregationBounds() {
        Proto m = main(2, List.of(), ad(AGG, 0, 0), RET0);
        assertClean(withAggregations(m, new AggregationSpec("l", AggregationKind.LHIST, -10, 10, 5)));
        assertClean(withAggregations(m, new AggregationSpec("l", AggregationKind.LHIST, 0, 1000, 1)));
        for (long[] bad : new long[][] {{0, 10, 0}, {0, 10, -1}, {10, 10, 1}, {10, 0, 1}, {0, 10, 3}, {0, 1001, 1},
                {Long.MIN_VALUE, Long.MAX_VALUE, 1}}) {
            assertRule(withAggregations(m, new AggregationSpec("l", AggregationKind.LHIST, bad[0], bad[1], bad[2])),
                    Verifier.Rule.V31_AGGREGATION);
        }
        assertRule(withAggregations(m, new AggregationSpec("h", AggregationKind.HIST, 0, 1, 1)), Verifier.Rule.V31_AGGREGATION);
    }

    @Test
    void everyRuleHasATest() {
        java.util.Set<String> tested = new java.util.HashSet<>();
        for (java.lang.reflect.Method m : VerifierTest.class.getDeclaredMethods()) {
            if (m.isAnnotationPresent(Test.class) && m.getName().matches("v\\d+.*")) {
                tested.add("V" + m.getName().replaceAll("^v(\\d+).*", "$1"));
            }
        }
        for (Verifier.Rule r : Verifier.Rule.values()) {
            assertTrue(tested.contains(r.id()), "no test for " + r.id());
        }
    }

    @Test
    void errorsNameWhere() {
        Verifier.Error e = Verifier.verify(mainOnly(2, ad(MOV, 0, 9), RET0)).get(0);
        assertEquals("proto 0 pc 0: V11: MOV field D: register 9 >= frame size 2", e.toString());
    }
}
