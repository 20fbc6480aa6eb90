package io.ktap.bytecode;

import io.ktap.ast.Builtin;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks that a chunk is safe to run: the rules {@link Rule V1-V29}, the same rules the kernel
 * module's C verifier applies before any handler runs. A chunk the verifier accepts cannot make a
 * VM read or write outside its frames, constants, upvalues, globals, prototypes or code; everything
 * that depends on values (types, division by zero, quotas, budgets) is checked at run time.
 *
 * <p>The verifier never throws on any chunk the model can hold; it returns every violation found.
 */
public final class Verifier {

    /** The most instructions of one function. */
    public static final int MAX_CODE = 1 << 18;
    /** The most event ids of one probe entry. */
    public static final int MAX_EVENT_IDS = 1 << 16;
    /** The deepest call stack a chunk may ask for. */
    public static final int MAX_CALL_DEPTH = 10_000;
    /** The shortest timer period, in nanoseconds. */
    public static final long MIN_TIMER_PERIOD_NANOS = 1_000;

    /** Where the chunk will run, which decides whether unlimited budgets are allowed. */
    public enum Policy {
        /** In the kernel: every budget must be finite. */
        KERNEL,
        /** In a userspace VM: a budget of 0 means unlimited. */
        USERSPACE
    }

    /**
     * The verifier's rules; their ids are cited by the bytecode spec (src/site/markdown/bytecode.md)
     * and by the C verifier.
     */
    public enum Rule {
        V1_BUDGETS("V1", "instruction budgets are at least 1 (0, unlimited, only under the userspace policy)"),
        V2_LIMIT_RANGES("V2", "every other limit lies in its documented range"),
        V3_COUNTS("V3", "1..65536 prototypes, at most 65536 globals, 256 schemas and 65536 aggregations; per function at most 65536 constants, 256 upvalues and 1..262144 instructions"),
        V4_MAIN("V4", "prototype 0 (the main chunk) is a root with no parameters and no varargs"),
        V5_PARENT("V5", "a prototype's parent is NONE or a lower index"),
        V6_ROOT_UPVALUES("V6", "a root prototype has no upvalues"),
        V7_PARAMS("V7", "numParams <= frameSize"),
        V8_UPVALUE_DESC("V8", "an in-stack upvalue captures a register below the parent's frame size, another one an upvalue of the parent"),
        V9_OPCODE("V9", "every opcode is known"),
        V10_UNUSED_FIELD("V10", "every unused field is zero"),
        V11_REGISTER("V11", "every register field is below the frame size"),
        V12_CONSTANT("V12", "every constant index is below the constant count"),
        V13_UPVALUE("V13", "every upvalue index is below the upvalue count"),
        V14_GLOBAL("V14", "every global index is below the global count"),
        V15_CHILD_PROTO("V15", "FNEW names a prototype whose parent is the current prototype"),
        V16_BUILTIN("V16", "CALLB names a builtin the VM implements, not an aggregation function"),
        V17_JUMP("V17", "every jump target is inside the function"),
        V18_LITERAL("V18", "KPRI's D is 0..2; EVGET's D is 0..11"),
        V19_SCHEMA_REF("V19", "EMIT names a schema and passes exactly its field count"),
        V20_RANGE("V20", "register ranges of KNIL, loops, calls, returns, varargs, EMIT, AGG and TAGG stay below the frame size; TSETM's D >= 1"),
        V21_BUILTIN_ARITY("V21", "a fixed CALLB argument count is accepted by the builtin"),
        V22_VARARG("V22", "VARG only in a variadic function"),
        V23_MULTRES("V23", "a consumer of a variable count follows its producer directly, is no jump target, and its range starts at or below the producer's A"),
        V24_CODE_END("V24", "the last instruction is JMP, RET or TAILCALL"),
        V25_HANDLER("V25", "a probe's handler is a root prototype other than main, with no parameters and no varargs"),
        V26_PROBE("V26", "a timer has a period >= 1000 ns, no filter and no event ids; a perf event or breakpoint has period 0,"
                + " no filter, and no event ids or its well-formed perf_event_attr words; another probe has period 0 and at"
                + " most 65536 event ids"),
        V27_END_BLOCK("V27", "an end block is a root prototype other than main, with no parameters and no varargs"),
        V28_SCHEMA("V28", "a schema has 1..255 fields with distinct names"),
        V29_STRING_LENGTH("V29", "no string constant is longer than maxStringLength"),
        V30_AGGREGATION_REF("V30", "AGG and TAGG name an aggregation descriptor"),
        V31_AGGREGATION("V31", "an lhist descriptor has min < max and a step >= 1 dividing max - min into at most 1000 buckets; other descriptors have min = max = step = 0");

        private final String id;
        private final String text;

        Rule(String id, String text) {
            this.id = id;
            this.text = text;
        }

        public String id() {
            return id;
        }

        /** The rule in one sentence. */
        public String text() {
            return text;
        }
    }

    /**
     * One violation.
     *
     * @param proto the prototype index, or -1 for the chunk as a whole
     * @param pc    the instruction index, or -1
     */
    public record Error(Rule rule, int proto, int pc, String message) {
        @Override
        public String toString() {
            String where = proto < 0 ? "chunk" : pc < 0 ? "proto " + proto : "proto " + proto + " pc " + pc;
            return where + ": " + rule.id() + ": " + message;
        }
    }

    private final Chunk chunk;
    private final Policy policy;
    private final List<Error> errors = new ArrayList<>();

    private Verifier(Chunk chunk, Policy policy) {
        this.chunk = chunk;
        this.policy = policy;
    }

    /** Verifies under the kernel policy. */
    public static List<Error> verify(Chunk chunk) {
        return verify(chunk, Policy.KERNEL);
    }

    /** Every violation of the rules in {@code chunk}; empty when it may run. */
    public static List<Error> verify(Chunk chunk, Policy policy) {
        Verifier v = new Verifier(chunk, policy);
        v.run();
        return List.copyOf(v.errors);
    }

    private void fail(Rule rule, int proto, int pc, String message) {
        errors.add(new Error(rule, proto, pc, message));
    }

    private void run() {
        limits();
        List<Proto> protos = chunk.protos();
        if (protos.isEmpty() || protos.size() > 1 << 16) {
            fail(Rule.V3_COUNTS, -1, -1, "expected 1..65536 prototypes, found " + protos.size());
        }
        if (chunk.globals().size() > 1 << 16) {
            fail(Rule.V3_COUNTS, -1, -1, "expected at most 65536 globals, found " + chunk.globals().size());
        }
        if (chunk.schemas().size() > 256) {
            fail(Rule.V3_COUNTS, -1, -1, "expected at most 256 schemas, found " + chunk.schemas().size());
        }
        if (chunk.aggregations().size() > 1 << 16) {
            fail(Rule.V3_COUNTS, -1, -1, "expected at most 65536 aggregations, found " + chunk.aggregations().size());
        }
        if (!protos.isEmpty()) {
            Proto main = protos.get(Chunk.MAIN);
            if (!main.isRoot() || main.numParams() != 0 || main.variadic()) {
                fail(Rule.V4_MAIN, Chunk.MAIN, -1, "the main chunk must be a root with no parameters and no varargs");
            }
        }
        for (int i = 0; i < protos.size(); i++) {
            proto(i, protos.get(i));
        }
        probes();
        ends();
        schemas();
        aggregations();
    }

    // ---- chunk-level rules ------------------------------------------------------------------------

    private void limits() {
        Limits l = chunk.limits();
        long min = policy == Policy.KERNEL ? 1 : 0;
        if (l.handlerBudget() < min) {
            fail(Rule.V1_BUDGETS, -1, -1, "handler budget " + l.handlerBudget() + " must be at least " + min
                    + (policy == Policy.KERNEL ? " in the kernel" : ""));
        }
        if (l.mainBudget() < min) {
            fail(Rule.V1_BUDGETS, -1, -1, "main budget " + l.mainBudget() + " must be at least " + min
                    + (policy == Policy.KERNEL ? " in the kernel" : ""));
        }
        range("max call depth", l.maxCallDepth(), 1, MAX_CALL_DEPTH);
        range("max stack slots", l.maxStackSlots(), 256, 1 << 20);
        range("max string length", l.maxStringLength(), 1, ChunkFormat.MAX_STRING_BYTES);
        range("max tables", l.maxTables(), 1, 1 << 20);
        range("max table entries", l.maxTableEntries(), 1, 1 << 26);
        range("string pool bytes", l.stringPoolBytes(), Math.max(1, l.maxStringLength()), 1 << 30);
        range("max closures", l.maxClosures(), 1, 1 << 20);
    }

    private void range(String what, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            fail(Rule.V2_LIMIT_RANGES, -1, -1, what + " " + v + " is outside " + lo + ".." + hi);
        }
    }

    private void probes() {
        List<ProbeEntry> probes = chunk.probes();
        for (int i = 0; i < probes.size(); i++) {
            ProbeEntry p = probes.get(i);
            rootEntry(Rule.V25_HANDLER, "probe " + i + " handler", p.handler());
            if (p.kind().isTimer()) {
                if (p.periodNanos() < MIN_TIMER_PERIOD_NANOS) {
                    fail(Rule.V26_PROBE, -1, -1, "probe " + i + ": a timer period of " + p.periodNanos()
                            + " ns is below " + MIN_TIMER_PERIOD_NANOS + " ns");
                }
                if (p.filter() != null || !p.eventIds().isEmpty()) {
                    fail(Rule.V26_PROBE, -1, -1, "probe " + i + ": a timer has no filter and no event ids");
                }
            } else if (p.kind().isCounter()) {
                if (p.periodNanos() != 0) {
                    fail(Rule.V26_PROBE, -1, -1, "probe " + i + ": only timers have a period, found " + p.periodNanos());
                }
                if (p.filter() != null) {
                    fail(Rule.V26_PROBE, -1, -1, "probe " + i + ": a perf event or breakpoint has no filter");
                }
                String problem = CounterAttr.check(p.kind(), p.eventIds());
                if (problem != null) {
                    fail(Rule.V26_PROBE, -1, -1, "probe " + i + ": " + problem);
                }
            } else {
                if (p.periodNanos() != 0) {
                    fail(Rule.V26_PROBE, -1, -1, "probe " + i + ": only timers have a period, found " + p.periodNanos());
                }
                if (p.eventIds().size() > MAX_EVENT_IDS) {
                    fail(Rule.V26_PROBE, -1, -1, "probe " + i + ": " + p.eventIds().size() + " event ids exceed "
                            + MAX_EVENT_IDS);
                }
            }
        }
    }

    private void ends() {
        for (int i = 0; i < chunk.endProtos().size(); i++) {
            rootEntry(Rule.V27_END_BLOCK, "end block " + i, chunk.endProtos().get(i));
        }
    }

    private void rootEntry(Rule rule, String what, int index) {
        if (index < 0 || index >= chunk.protos().size()) {
            fail(rule, -1, -1, what + ": prototype " + index + " does not exist (" + chunk.protos().size() + " prototypes)");
            return;
        }
        Proto p = chunk.protos().get(index);
        if (index == Chunk.MAIN || !p.isRoot() || p.numParams() != 0 || p.variadic()) {
            fail(rule, -1, -1, what + ": prototype " + index
                    + " must be a root other than main, with no parameters and no varargs");
        }
    }

    private void schemas() {
        for (int i = 0; i < chunk.schemas().size(); i++) {
            RecordSchema s = chunk.schemas().get(i);
            if (s.fields().isEmpty() || s.fields().size() > Ins.MAX_ABC) {
                fail(Rule.V28_SCHEMA, -1, -1, "schema " + i + " has " + s.fields().size() + " fields, expected 1..255");
            }
            Set<String> names = new HashSet<>();
            for (RecordSchema.Field f : s.fields()) {
                if (!names.add(f.name())) {
                    fail(Rule.V28_SCHEMA, -1, -1, "schema " + i + " has two fields named " + Bytes.quote(f.name()));
                }
            }
        }
    }

    private void aggregations() {
        for (int i = 0; i < chunk.aggregations().size(); i++) {
            AggregationSpec a = chunk.aggregations().get(i);
            if (!a.boundsValid()) {
                fail(Rule.V31_AGGREGATION, -1, -1, "aggregation " + i + " (" + a.kind().functionName() + ") has invalid bounds "
                        + a.min() + ", " + a.max() + ", " + a.step());
            }
        }
    }

    // ---- prototypes -------------------------------------------------------------------------------

    private void proto(int index, Proto p) {
        List<Proto> protos = chunk.protos();
        if (p.constants().size() > 1 << 16 || p.upvalues().size() > 256 || p.codeLength() < 1 || p.codeLength() > MAX_CODE) {
            fail(Rule.V3_COUNTS, index, -1, "expected at most 65536 constants, 256 upvalues and 1.." + MAX_CODE
                    + " instructions, found " + p.constants().size() + ", " + p.upvalues().size() + " and " + p.codeLength());
        }
        if (!p.isRoot() && p.parent() >= index) {
            fail(Rule.V5_PARENT, index, -1, "parent " + p.parent() + " is not a lower prototype index");
        }
        if (p.isRoot() && !p.upvalues().isEmpty()) {
            fail(Rule.V6_ROOT_UPVALUES, index, -1, "a root prototype has " + p.upvalues().size() + " upvalues");
        }
        if (p.numParams() > p.frameSize()) {
            fail(Rule.V7_PARAMS, index, -1, p.numParams() + " parameters exceed the frame size " + p.frameSize());
        }
        if (!p.isRoot() && p.parent() < index) {
            Proto parent = protos.get(p.parent());
            for (int u = 0; u < p.upvalues().size(); u++) {
                UpvalueDesc d = p.upvalues().get(u);
                int bound = d.inStack() ? parent.frameSize() : parent.upvalues().size();
                if (d.index() >= bound) {
                    fail(Rule.V8_UPVALUE_DESC, index, -1, "upvalue " + u + " captures " + (d.inStack() ? "register " : "upvalue ")
                            + d.index() + ", the parent has " + bound);
                }
            }
        }
        for (int k = 0; k < p.constants().size(); k++) {
            if (p.constants().get(k) instanceof Constant.Str s && s.value().length() > chunk.limits().maxStringLength()) {
                fail(Rule.V29_STRING_LENGTH, index, -1, "constant " + k + " of " + s.value().length()
                        + " bytes exceeds the max string length " + chunk.limits().maxStringLength());
            }
        }
        if (p.codeLength() == 0) {
            return;
        }
        boolean[] targets = jumpTargets(p);
        for (int pc = 0; pc < p.codeLength(); pc++) {
            instruction(index, p, pc, targets);
        }
        Optional<Opcode> last = Opcode.byCode(Ins.op(p.instruction(p.codeLength() - 1)));
        if (last.isEmpty() || !last.get().endsBlock()) {
            fail(Rule.V24_CODE_END, index, p.codeLength() - 1, "the last instruction must be JMP, RET or TAILCALL, found "
                    + last.map(Enum::name).orElse("an unknown opcode"));
        }
    }

    private static boolean[] jumpTargets(Proto p) {
        boolean[] targets = new boolean[p.codeLength()];
        for (int pc = 0; pc < p.codeLength(); pc++) {
            int ins = p.instruction(pc);
            Optional<Opcode> op = Opcode.byCode(Ins.op(ins));
            if (op.isPresent() && op.get().isJump()) {
                int t = pc + 1 + Ins.sd(ins);
                if (t >= 0 && t < targets.length) {
                    targets[t] = true;
                }
            }
        }
        return targets;
    }

    private void instruction(int index, Proto p, int pc, boolean[] targets) {
        int ins = p.instruction(pc);
        Optional<Opcode> maybe = Opcode.byCode(Ins.op(ins));
        if (maybe.isEmpty()) {
            fail(Rule.V9_OPCODE, index, pc, "unknown opcode " + Ins.op(ins));
            return;
        }
        Opcode op = maybe.get();
        int a = Ins.a(ins);
        if (op.format() == Opcode.Format.ABC) {
            field(index, p, pc, op, "A", op.a(), a, ins);
            field(index, p, pc, op, "B", op.b(), Ins.b(ins), ins);
            field(index, p, pc, op, "C", op.c(), Ins.c(ins), ins);
        } else {
            field(index, p, pc, op, "A", op.a(), a, ins);
            field(index, p, pc, op, "D", op.d(), Ins.d(ins), ins);
        }
        int b = Ins.b(ins);
        int c = Ins.c(ins);
        int d = Ins.d(ins);
        int fs = p.frameSize();
        switch (op) {
            case KNIL -> {
                if (a > d) {
                    fail(Rule.V20_RANGE, index, pc, "KNIL range r" + a + "..r" + d + " is empty");
                }
            }
            case TSETM -> {
                if (d < 1) {
                    fail(Rule.V20_RANGE, index, pc, "TSETM start index must be at least 1");
                }
                multres(index, p, pc, targets, a + 1);
            }
            case FORPREP, FORLOOP, ITERP, ITERN -> within(index, pc, op, a + 3, fs, "loop state r" + a + "..r" + (a + 3));
            case CALL -> {
                if (b > 0) {
                    within(index, pc, op, a + b - 1, fs, "arguments");
                } else {
                    multres(index, p, pc, targets, a + 1);
                }
                if (c > 1) {
                    within(index, pc, op, a + c - 2, fs, "results");
                }
            }
            case TAILCALL -> {
                if (b > 0) {
                    within(index, pc, op, a + b - 1, fs, "arguments");
                } else {
                    multres(index, p, pc, targets, a + 1);
                }
            }
            case CALLB -> {
                if (b > 0) {
                    within(index, pc, op, a + b - 2, fs, "arguments");
                    Optional<Builtin> bi = Builtin.byId(c);
                    if (bi.isPresent() && !bi.get().accepts(b - 1)) {
                        fail(Rule.V21_BUILTIN_ARITY, index, pc, "builtin " + bi.get().qualifiedName() + " does not accept "
                                + (b - 1) + " arguments");
                    }
                } else {
                    multres(index, p, pc, targets, a);
                }
            }
            case RET -> {
                if (d > 1) {
                    within(index, pc, op, a + d - 2, fs, "results");
                } else if (d == 0) {
                    multres(index, p, pc, targets, a);
                }
            }
            case VARG -> {
                if (!p.variadic()) {
                    fail(Rule.V22_VARARG, index, pc, "VARG in a function without varargs");
                }
                if (d > 1) {
                    within(index, pc, op, a + d - 2, fs, "values");
                }
            }
            case EMIT -> {
                if (c < chunk.schemas().size() && b != chunk.schemas().get(c).fields().size()) {
                    fail(Rule.V19_SCHEMA_REF, index, pc, "EMIT passes " + b + " fields, schema " + c + " has "
                            + chunk.schemas().get(c).fields().size());
                }
                if (b > 0) {
                    within(index, pc, op, a + b - 1, fs, "fields");
                }
            }
            case AGG -> within(index, pc, op, a + 1, fs, "operands");
            case TAGG -> within(index, pc, op, a + 2, fs, "operands");
            default -> {
            }
        }
    }

    private void within(int index, int pc, Opcode op, int last, int fs, String what) {
        if (last >= fs) {
            fail(Rule.V20_RANGE, index, pc, op + " " + what + " reach r" + last + ", the frame has " + fs + " registers");
        }
    }

    /** Rule V23 for a consumer at {@code pc} whose variable range starts at register {@code first}. */
    private void multres(int index, Proto p, int pc, boolean[] targets, int first) {
        if (targets[pc]) {
            fail(Rule.V23_MULTRES, index, pc, "a consumer of a variable count is a jump target");
        }
        if (pc == 0) {
            fail(Rule.V23_MULTRES, index, pc, "a consumer of a variable count is the first instruction");
            return;
        }
        int prev = p.instruction(pc - 1);
        Optional<Opcode> op = Opcode.byCode(Ins.op(prev));
        boolean producer = op.isPresent()
                && (op.get() == Opcode.CALL && Ins.c(prev) == 0 || op.get() == Opcode.VARG && Ins.d(prev) == 0);
        if (!producer) {
            fail(Rule.V23_MULTRES, index, pc, "a consumer of a variable count must follow CALL with C=0 or VARG with D=0");
        } else if (Ins.a(prev) < first) {
            fail(Rule.V23_MULTRES, index, pc, "the producer's results start at r" + Ins.a(prev)
                    + ", below the consumer's range at r" + first);
        }
    }

    private void field(int index, Proto p, int pc, Opcode op, String name, Operand role, int v, int ins) {
        switch (role) {
            case NONE -> {
                if (v != 0) {
                    fail(Rule.V10_UNUSED_FIELD, index, pc, op + " field " + name + " is unused but " + v);
                }
            }
            case DST, SRC, BASE -> {
                if (v >= p.frameSize()) {
                    fail(Rule.V11_REGISTER, index, pc, op + " field " + name + ": register " + v + " >= frame size " + p.frameSize());
                }
            }
            case CONST -> {
                if (v >= p.constants().size()) {
                    fail(Rule.V12_CONSTANT, index, pc, op + " field " + name + ": constant " + v + " >= " + p.constants().size());
                }
            }
            case UPVAL -> {
                if (v >= p.upvalues().size()) {
                    fail(Rule.V13_UPVALUE, index, pc, op + " field " + name + ": upvalue " + v + " >= " + p.upvalues().size());
                }
            }
            case GLOBAL -> {
                if (v >= chunk.globals().size()) {
                    fail(Rule.V14_GLOBAL, index, pc, op + " field " + name + ": global " + v + " >= " + chunk.globals().size());
                }
            }
            case PROTO -> {
                if (v >= chunk.protos().size() || chunk.protos().get(v).parent() != index) {
                    fail(Rule.V15_CHILD_PROTO, index, pc, op + " field " + name + ": prototype " + v
                            + " is not a child of prototype " + index);
                }
            }
            case BUILTIN -> {
                if (Builtin.byId(v).isEmpty()) {
                    fail(Rule.V16_BUILTIN, index, pc, op + " field " + name + ": no builtin has id " + v);
                } else if (Builtin.byId(v).get().isAggregation()) {
                    fail(Rule.V16_BUILTIN, index, pc, op + " field " + name + ": " + Builtin.byId(v).get().qualifiedName()
                            + " is an aggregation, updated by AGG/TAGG, never called");
                }
            }
            case JUMP -> {
                int target = pc + 1 + Ins.sd(ins);
                if (target < 0 || target >= p.codeLength()) {
                    fail(Rule.V17_JUMP, index, pc, op + " jumps to " + target + ", outside 0.." + (p.codeLength() - 1));
                }
            }
            case PRI -> {
                if (v > 2) {
                    fail(Rule.V18_LITERAL, index, pc, "KPRI D must be 0..2, found " + v);
                }
            }
            case EVENT -> {
                if (v > 11) {
                    fail(Rule.V18_LITERAL, index, pc, "EVGET D must be 0..11, found " + v);
                }
            }
            case SCHEMA -> {
                if (v >= chunk.schemas().size()) {
                    fail(Rule.V19_SCHEMA_REF, index, pc, op + " field " + name + ": schema " + v + " >= " + chunk.schemas().size());
                }
            }
            case AGG -> {
                if (v >= chunk.aggregations().size()) {
                    fail(Rule.V30_AGGREGATION_REF, index, pc, op + " field " + name + ": aggregation " + v + " >= "
                            + chunk.aggregations().size());
                }
            }
            case COUNT, HINT, SHORT -> {
            }
            default -> throw new IllegalStateException("unknown operand role " + role);
        }
    }
}
