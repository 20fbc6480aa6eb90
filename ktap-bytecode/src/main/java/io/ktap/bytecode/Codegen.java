package io.ktap.bytecode;

import io.ktap.ast.AggregationNames;
import io.ktap.ast.BinOp;
import io.ktap.ast.Block;
import io.ktap.ast.Builtin;
import io.ktap.ast.Diagnostic;
import io.ktap.ast.Expr;
import io.ktap.ast.FunctionBody;
import io.ktap.ast.Probe;
import io.ktap.ast.Program;
import io.ktap.ast.Span;
import io.ktap.ast.Stmt;
import io.ktap.ast.TableField;
import io.ktap.ast.UnOp;
import io.ktap.trace.AggregationKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles a program's AST into a {@link Chunk}.
 *
 * <p>The program may come from the parser or from the fluent API, so codegen does its own scoping:
 * locals by block, upvalues by capture, globals by name. The main chunk holds the top-level
 * statements; each {@code trace} block becomes a root handler prototype with one probe-table
 * entry per EVENTDEF; each {@code trace_end} block becomes an end prototype. Registers are
 * allocated as a stack: a function's locals occupy the low registers in declaration order, and
 * temporaries sit above them.
 *
 * <p>Programs the VM cannot run are reported as diagnostics ({@link CodegenError}), never thrown.
 */
public final class Codegen {

    /** The most registers one function may use; the format allows 255, a margin stays free. */
    public static final int MAX_REGISTERS = 250;
    /** The most constants of one function (the D field). */
    public static final int MAX_CONSTANTS = 1 << 16;
    /** The most upvalues of one function (the 8-bit A field of USET). */
    public static final int MAX_UPVALUES = 255;
    /** The most prototypes of one chunk (the D field of FNEW). */
    public static final int MAX_PROTOS = 1 << 16;
    /** The most globals of one chunk (the D field of GGET). */
    public static final int MAX_GLOBALS = 1 << 16;
    /** The most aggregation descriptors of one chunk (the D field of AGG). */
    public static final int MAX_AGGREGATIONS = 1 << 16;

    private static final int MULT = -1;

    private final Limits limits;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final List<Proto> protos = new ArrayList<>();
    private final Map<String, Integer> globalSlots = new LinkedHashMap<>();
    private final Set<String> declaredGlobals = new HashSet<>();
    private final List<Read> globalReads = new ArrayList<>();
    private final List<ProbeEntry> probes = new ArrayList<>();
    private final List<Integer> endProtos = new ArrayList<>();
    /** The declared record types by name; when empty, record types are inferred from emit calls. */
    private final Map<String, RecordSchema> declaredRecords = new LinkedHashMap<>();
    /** The record types the program emits, in chunk order, and where each was first emitted. */
    private final List<RecordSchema> schemas = new ArrayList<>();
    private final Map<String, Integer> schemaIndex = new HashMap<>();
    private final List<Span> schemaFirstUse = new ArrayList<>();
    private final Map<AggregationSpec, Integer> aggregations = new LinkedHashMap<>();
    /** Aggregation names the program keeps for its own variables ({@link AggregationNames}). */
    private Set<String> shadowedAggregations = Set.of();
    private Fn fn;
    /** The statement being compiled, for diagnostics of structural limits. */
    private Span current = Span.NONE;

    private record Read(String name, Span span) {
    }

    /** Thrown after a fatal diagnostic (a structural limit) to stop compiling. */
    private static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abort() {
            super(null, null, false, false);
        }
    }

    private Codegen(Limits limits, List<RecordSchema> records) {
        this.limits = limits;
        declaredGlobals.add(Chunk.ARG_GLOBAL);
        for (RecordSchema r : records) {
            if (declaredRecords.putIfAbsent(r.name(), r) != null) {
                throw new IllegalArgumentException("two record types are named " + Bytes.toText(r.name()));
            }
        }
    }

    /** Compiles {@code program} under the default limits. */
    public static CodegenResult compile(Program program) {
        return compile(program, Limits.DEFAULT);
    }

    /**
     * Compiles {@code program}; the chunk carries {@code limits}. Each {@code emit} call defines
     * its record type (see {@link #compile(Program, Limits, List)} with no declared records).
     */
    public static CodegenResult compile(Program program, Limits limits) {
        return compile(program, limits, List.of());
    }

    /**
     * Compiles {@code program} with the record types it may emit; the chunk carries {@code limits}
     * and the schemas of the record types the program does emit, in the order of their first
     * {@code emit}.
     *
     * <p>With declared {@code records}, {@code emit("Name", v1, ...)} must name one of them and pass
     * one value per field. With none, every record type is inferred from its first {@code emit}:
     * its fields are named after the value expressions ({@code pid}, {@code execname},
     * {@code arg2}, {@code t.k} give those names; other expressions {@code _N} by position) and
     * typed {@link RecordSchema.FieldType#ANY}; later emits of that name must pass as many values.
     *
     * @throws IllegalArgumentException if two declared records have the same name
     */
    public static CodegenResult compile(Program program, Limits limits, List<RecordSchema> records) {
        Codegen g = new Codegen(limits, records);
        try {
            g.program(program);
        } catch (Abort a) {
            // the fatal diagnostic is recorded
        }
        g.checkGlobalReads();
        if (g.diagnostics.stream().anyMatch(Diagnostic::isError)) {
            return new CodegenResult(Optional.empty(), g.diagnostics);
        }
        Chunk chunk = new Chunk(Bytes.fromText(program.span().file()), limits, List.copyOf(g.globalSlots.keySet()),
                g.protos, g.endProtos, g.probes, g.schemas, List.copyOf(g.aggregations.keySet()));
        return new CodegenResult(Optional.of(chunk), g.diagnostics);
    }

    // ---- program structure ------------------------------------------------------------------------

    private void program(Program program) {
        shadowedAggregations = AggregationNames.shadowedIn(program);
        Fn main = newFn(null, "main", program.span(), false, Role.MAIN);
        fn = main;
        enterScope(false);
        for (Stmt s : program.body().statements()) {
            stmt(s);
        }
        dropScope(); // the final RET closes every upvalue
        finish(main, program.span());
    }

    private enum Role { MAIN, HANDLER, END, FUNCTION }

    private void trace(Stmt.Trace t) {
        if (!atTopLevel()) {
            error(CodegenError.PROBE_NOT_AT_TOP_LEVEL.at(t.span(), "trace"));
            return;
        }
        List<String> specs = new ArrayList<>();
        for (Probe p : t.probes()) {
            try {
                specs.add(ProbeTable.spec(p));
            } catch (IllegalArgumentException e) {
                error(CodegenError.INVALID_PROBE.at(p.span(), e.getMessage()));
                return;
            }
        }
        int index = rootFunction("trace " + String.join(", ", specs), t.span(), t.body(), Role.HANDLER);
        for (int i = 0; i < t.probes().size(); i++) {
            Probe p = t.probes().get(i);
            probes.add(new ProbeEntry(ProbeTable.kind(p), Bytes.fromText(specs.get(i)),
                    t.filter() == null ? null : Bytes.fromText(t.filter()), index, ProbeTable.periodNanos(p), List.of()));
        }
    }

    private void traceEnd(Stmt.TraceEnd t) {
        if (!atTopLevel()) {
            error(CodegenError.PROBE_NOT_AT_TOP_LEVEL.at(t.span(), "trace_end"));
            return;
        }
        endProtos.add(rootFunction("trace_end", t.span(), t.body(), Role.END));
    }

    private int rootFunction(String name, Span span, Block body, Role role) {
        Fn saved = fn;
        Fn f = newFn(null, name, span, false, role);
        fn = f;
        enterScope(false);
        for (Stmt s : body.statements()) {
            stmt(s);
        }
        dropScope();
        finish(f, span);
        fn = saved;
        return f.index;
    }

    private boolean atTopLevel() {
        return fn.role == Role.MAIN && fn.scope.outer == null;
    }

    // ---- function state ---------------------------------------------------------------------------

    private static final class Local {
        final String name;
        final int reg;
        boolean captured;

        Local(String name, int reg) {
            this.name = name;
            this.reg = reg;
        }
    }

    private static final class Scope {
        final Scope outer;
        final int nactive;
        final boolean loop;
        final List<Integer> breaks = new ArrayList<>();

        Scope(Scope outer, int nactive, boolean loop) {
            this.outer = outer;
            this.nactive = nactive;
            this.loop = loop;
        }
    }

    private final class Fn {
        final Fn parent;
        final int index;
        final String name;
        final Role role;
        final boolean variadic;
        int numParams;
        final List<Constant> constants = new ArrayList<>();
        final Map<Constant, Integer> constIndex = new HashMap<>();
        int[] code = new int[32];
        int[] lines = new int[32];
        int pc;
        final List<UpvalueDesc> upvalues = new ArrayList<>();
        final List<String> upvalueNames = new ArrayList<>();
        final List<Local> actives = new ArrayList<>();
        int freeReg;
        int maxReg;
        Scope scope;
        int line;

        Fn(Fn parent, int index, String name, Role role, boolean variadic, int line) {
            this.parent = parent;
            this.index = index;
            this.name = name;
            this.role = role;
            this.variadic = variadic;
            this.line = line;
        }
    }

    private Fn newFn(Fn parent, String name, Span span, boolean variadic, Role role) {
        if (protos.size() >= MAX_PROTOS) {
            fatal(CodegenError.TOO_MANY_FUNCTIONS.at(span, MAX_PROTOS));
        }
        protos.add(null);
        return new Fn(parent, protos.size() - 1, name, role, variadic, span.line());
    }

    /** Closes a function with a final RET. Every frame has at least one register: RET's A must name one (V11). */
    private void finish(Fn f, Span span) {
        f.line = lastLine(f, span);
        emitAd(Opcode.RET, 0, 1);
        protos.set(f.index, new Proto(Bytes.fromText(f.name), span.line(),
                f.parent == null ? Proto.NO_PARENT : f.parent.index, f.numParams, f.variadic, Math.max(f.maxReg, 1),
                f.upvalues, f.constants, Arrays.copyOf(f.code, f.pc), Arrays.copyOf(f.lines, f.pc)));
    }

    private static int lastLine(Fn f, Span span) {
        return span.endLine() > 0 ? span.endLine() : f.line;
    }

    // ---- scopes and locals ------------------------------------------------------------------------

    private void enterScope(boolean loop) {
        fn.scope = new Scope(fn.scope, fn.actives.size(), loop);
    }

    /** Leaves the current scope, closing its captured locals on the fall-through path. */
    private void leaveScope() {
        Scope s = fn.scope;
        if (hasCaptured(s)) {
            emitAsd(Opcode.UCLO, s.nactive, 0);
        }
        dropScope();
    }

    /** Leaves the current scope without emitting anything. */
    private void dropScope() {
        Scope s = fn.scope;
        while (fn.actives.size() > s.nactive) {
            fn.actives.remove(fn.actives.size() - 1);
        }
        fn.freeReg = s.nactive;
        fn.scope = s.outer;
    }

    private boolean hasCaptured(Scope s) {
        for (int i = s.nactive; i < fn.actives.size(); i++) {
            if (fn.actives.get(i).captured) {
                return true;
            }
        }
        return false;
    }

    /** Activates a local in the register just allocated for it (register == index in actives). */
    private void declareLocal(String name, int reg) {
        if (reg != fn.actives.size()) {
            throw new IllegalStateException("local " + name + " in register " + reg + " with " + fn.actives.size() + " active");
        }
        fn.actives.add(new Local(name, reg));
    }

    private boolean isTemp(int reg) {
        return reg >= fn.actives.size();
    }

    private int alloc(int n) {
        int r = fn.freeReg;
        setFree(r + n);
        return r;
    }

    private void setFree(int free) {
        if (free > MAX_REGISTERS) {
            fatal(CodegenError.TOO_MANY_REGISTERS.at(current, fn.name, MAX_REGISTERS));
        }
        fn.freeReg = free;
        fn.maxReg = Math.max(fn.maxReg, free);
    }

    // ---- name resolution --------------------------------------------------------------------------

    private sealed interface Resolved {
    }

    private record LocalVar(int reg) implements Resolved {
    }

    private record UpVar(int index) implements Resolved {
    }

    private record GlobalVar(String name) implements Resolved {
    }

    private record BuiltinVar(Builtin builtin) implements Resolved {
    }

    private record LibraryVar(String name) implements Resolved {
    }

    private Resolved resolve(String name, Span span) {
        Resolved r = resolveIn(fn, name, span);
        if (r != null) {
            return r;
        }
        Optional<Builtin> b = Builtin.byName(name);
        if (b.isPresent()) {
            return new BuiltinVar(b.get());
        }
        if (Builtin.isLibrary(name)) {
            return new LibraryVar(name);
        }
        return new GlobalVar(name);
    }

    /** A local or upvalue of {@code f} named {@code name}, capturing it through the enclosing functions. */
    private Resolved resolveIn(Fn f, String name, Span span) {
        for (int i = f.actives.size() - 1; i >= 0; i--) {
            Local l = f.actives.get(i);
            if (l.name.equals(name)) {
                return new LocalVar(l.reg);
            }
        }
        int u = f.upvalueNames.indexOf(name);
        if (u >= 0) {
            return new UpVar(u);
        }
        if (f.parent == null) {
            return null;
        }
        Resolved outer = resolveIn(f.parent, name, span);
        if (outer instanceof LocalVar lv) {
            f.parent.actives.get(lv.reg).captured = true;
            return new UpVar(addUpvalue(f, new UpvalueDesc(true, lv.reg, Bytes.fromText(name)), name, span));
        }
        if (outer instanceof UpVar uv) {
            return new UpVar(addUpvalue(f, new UpvalueDesc(false, uv.index, Bytes.fromText(name)), name, span));
        }
        return null;
    }

    private int addUpvalue(Fn f, UpvalueDesc d, String name, Span span) {
        if (f.upvalues.size() >= MAX_UPVALUES) {
            fatal(CodegenError.TOO_MANY_UPVALUES.at(span, f.name, MAX_UPVALUES));
        }
        f.upvalues.add(d);
        f.upvalueNames.add(name);
        return f.upvalues.size() - 1;
    }

    private int globalSlot(String name, Span span) {
        Integer slot = globalSlots.get(name);
        if (slot == null) {
            if (globalSlots.size() >= MAX_GLOBALS) {
                fatal(CodegenError.TOO_MANY_GLOBALS.at(span, MAX_GLOBALS));
            }
            slot = globalSlots.size();
            globalSlots.put(name, slot);
        }
        return slot;
    }

    private void checkGlobalReads() {
        for (Read r : globalReads) {
            if (!declaredGlobals.contains(r.name)) {
                error(CodegenError.UNDECLARED_VARIABLE.at(r.span, r.name));
            }
        }
    }

    /** The builtin a call's callee names ({@code print}, {@code table.new}), or null. */
    private Builtin builtinCallee(Expr callee) {
        if (callee instanceof Expr.Name n && resolve(n.name(), n.span()) instanceof BuiltinVar b) {
            return b.builtin();
        }
        if (callee instanceof Expr.Index ix && ix.target() instanceof Expr.Name lib && ix.key() instanceof Expr.Str fname
                && resolve(lib.name(), lib.span()) instanceof LibraryVar) {
            return Builtin.byName(lib.name() + "." + fname.value()).orElse(null);
        }
        return null;
    }

    /** Whether {@code callee} is {@code lib.fn} for a library that has no function {@code fn}. */
    private boolean unknownLibraryFunction(Expr callee) {
        if (callee instanceof Expr.Index ix && ix.target() instanceof Expr.Name lib && ix.key() instanceof Expr.Str fname
                && resolve(lib.name(), lib.span()) instanceof LibraryVar) {
            if (Builtin.byName(lib.name() + "." + fname.value()).isEmpty()) {
                error(CodegenError.UNKNOWN_LIBRARY_FUNCTION.at(callee.span(), lib.name(), fname.value()));
                return true;
            }
        }
        return false;
    }

    // ---- emission ---------------------------------------------------------------------------------

    private int emit(int ins) {
        Fn f = fn;
        if (f.pc == f.code.length) {
            f.code = Arrays.copyOf(f.code, f.pc * 2);
            f.lines = Arrays.copyOf(f.lines, f.pc * 2);
        }
        f.code[f.pc] = ins;
        f.lines[f.pc] = f.line;
        return f.pc++;
    }

    private int emitAbc(Opcode op, int a, int b, int c) {
        return emit(Ins.abc(op, a, b, c));
    }

    private int emitAd(Opcode op, int a, int d) {
        return emit(Ins.ad(op, a, d));
    }

    private int emitAsd(Opcode op, int a, int sd) {
        return emit(Ins.asd(op, a, sd));
    }

    /** Emits a jump to be patched; returns its pc. */
    private int emitJump(Opcode op, int a) {
        return emitAsd(op, a, 0);
    }

    private int here() {
        return fn.pc;
    }

    private void patch(int jumpPc, int target) {
        int sd = target - (jumpPc + 1);
        if (sd < Ins.MIN_SD || sd > Ins.MAX_SD) {
            fatal(CodegenError.JUMP_TOO_FAR.at(current, fn.name, Ins.MAX_SD));
        }
        fn.code[jumpPc] = Ins.withSd(fn.code[jumpPc], sd);
    }

    private void patchAll(List<Integer> jumps, int target) {
        for (int j : jumps) {
            patch(j, target);
        }
    }

    private int constant(Constant k, Span span) {
        Integer i = fn.constIndex.get(k);
        if (i == null) {
            if (fn.constants.size() >= MAX_CONSTANTS) {
                fatal(CodegenError.TOO_MANY_CONSTANTS.at(span, fn.name, MAX_CONSTANTS));
            }
            i = fn.constants.size();
            fn.constants.add(k);
            fn.constIndex.put(k, i);
        }
        return i;
    }

    private int stringConstant(String bytes, Span span) {
        if (bytes.length() > limits.maxStringLength()) {
            error(CodegenError.STRING_TOO_LONG.at(span, bytes.length(), limits.maxStringLength()));
        }
        return constant(new Constant.Str(bytes), span);
    }

    private void loadInt(int dst, long v, Span span) {
        if (v >= Ins.MIN_SD && v <= Ins.MAX_SD) {
            emitAsd(Opcode.KSHORT, dst, (int) v);
        } else {
            emitAd(Opcode.KCONST, dst, constant(new Constant.Int(v), span));
        }
    }

    private void error(Diagnostic d) {
        diagnostics.add(d);
    }

    private void fatal(Diagnostic d) {
        diagnostics.add(d);
        throw new Abort();
    }

    private int enterLine(Span span) {
        int saved = fn.line;
        if (span.line() > 0) {
            fn.line = span.line();
        }
        return saved;
    }

    // ---- statements -------------------------------------------------------------------------------

    private void stmt(Stmt s) {
        int savedLine = enterLine(s.span());
        Span savedSpan = current;
        current = s.span();
        if (s instanceof Stmt.Var v) {
            varStmt(v);
        } else if (s instanceof Stmt.Assign a) {
            assign(a);
        } else if (s instanceof Stmt.CompoundAssign c) {
            compoundAssign(c);
        } else if (s instanceof Stmt.ExprStmt e) {
            int base = alloc(1);
            callInto(e.call(), base, 0, false);
        } else if (s instanceof Stmt.Do d) {
            enterScope(false);
            statements(d.body());
            leaveScope();
        } else if (s instanceof Stmt.If i) {
            ifStmt(i);
        } else if (s instanceof Stmt.While w) {
            whileStmt(w);
        } else if (s instanceof Stmt.Repeat r) {
            repeatStmt(r);
        } else if (s instanceof Stmt.NumericFor f) {
            numericFor(f);
        } else if (s instanceof Stmt.CFor f) {
            cFor(f);
        } else if (s instanceof Stmt.ForIn f) {
            forIn(f);
        } else if (s instanceof Stmt.FunctionDecl f) {
            functionDecl(f);
        } else if (s instanceof Stmt.Return r) {
            returnStmt(r);
        } else if (s instanceof Stmt.Break b) {
            breakStmt(b);
        } else if (s instanceof Stmt.Trace t) {
            trace(t);
        } else if (s instanceof Stmt.TraceEnd t) {
            traceEnd(t);
        } else {
            throw new IllegalStateException("unknown statement " + s);
        }
        // Between statements no temporary is live: the free registers start right above the locals.
        fn.freeReg = fn.actives.size();
        fn.line = savedLine;
        current = savedSpan;
    }

    private void statements(Block b) {
        for (Stmt s : b.statements()) {
            stmt(s);
        }
    }

    private void varStmt(Stmt.Var v) {
        int n = v.names().size();
        int base = fn.freeReg;
        pushExplist(v.values(), n);
        if (atTopLevel()) {
            for (int i = 0; i < n; i++) {
                String name = v.names().get(i);
                if (checkAssignableGlobal(name, v.span())) {
                    declaredGlobals.add(name);
                    emitAd(Opcode.GSET, base + i, globalSlot(name, v.span()));
                }
            }
            fn.freeReg = base;
        } else {
            for (int i = 0; i < n; i++) {
                declareLocal(v.names().get(i), base + i);
            }
        }
    }

    private boolean checkAssignableGlobal(String name, Span span) {
        if (Builtin.byName(name).isPresent() || Builtin.isLibrary(name)) {
            error(CodegenError.ASSIGN_TO_BUILTIN.at(span, name));
            return false;
        }
        return true;
    }

    /** An assignment target whose table and key (if any) are already in registers. */
    private record Target(Resolved var, int table, int key, int constKey) {
    }

    private Target prepareTarget(Expr target, boolean copyLocals) {
        if (target instanceof Expr.Name n) {
            return new Target(resolve(n.name(), n.span()), -1, -1, -1);
        }
        Expr.Index ix = (Expr.Index) target;
        int t = copyLocals ? exprToNew(ix.target()) : exprAny(ix.target());
        int k = -1;
        int ck = constKey(ix.key());
        if (ck < 0) {
            k = copyLocals ? exprToNew(ix.key()) : exprAny(ix.key());
        }
        return new Target(null, t, k, ck);
    }

    /** The constant index of a literal key usable in the 8-bit C field, or -1. */
    private int constKey(Expr key) {
        if (key instanceof Expr.Str s) {
            int i = stringConstant(s.value(), s.span());
            return i <= Ins.MAX_ABC ? i : -1;
        }
        if (key instanceof Expr.Int n) {
            int i = constant(new Constant.Int(n.value()), n.span());
            return i <= Ins.MAX_ABC ? i : -1;
        }
        return -1;
    }

    private void store(Target t, int value, Span span) {
        if (t.var == null) {
            if (t.constKey >= 0) {
                emitAbc(Opcode.TSETK, value, t.table, t.constKey);
            } else {
                emitAbc(Opcode.TSET, value, t.table, t.key);
            }
        } else if (t.var instanceof LocalVar l) {
            if (l.reg != value) {
                emitAd(Opcode.MOV, l.reg, value);
            }
        } else if (t.var instanceof UpVar u) {
            emitAd(Opcode.USET, u.index, value);
        } else if (t.var instanceof GlobalVar g) {
            declaredGlobals.add(g.name);
            emitAd(Opcode.GSET, value, globalSlot(g.name, span));
        } else if (t.var instanceof BuiltinVar b) {
            error(CodegenError.ASSIGN_TO_BUILTIN.at(span, b.builtin().qualifiedName()));
        } else if (t.var instanceof LibraryVar l) {
            error(CodegenError.ASSIGN_TO_BUILTIN.at(span, l.name()));
        }
    }

    private void assign(Stmt.Assign a) {
        if (a.targets().size() == 1 && a.values().size() == 1) {
            Expr target = a.targets().get(0);
            Expr value = a.values().get(0);
            Builtin agg = AggregationNames.called(value, shadowedAggregations);
            if (agg != null) {
                aggregate(target, (Expr.Call) value, agg);
                return;
            }
            if (target instanceof Expr.Name n && resolve(n.name(), n.span()) instanceof LocalVar l) {
                exprToLocal(value, l.reg);
                return;
            }
            Target t = prepareTarget(target, false);
            store(t, exprAny(value), a.span());
            return;
        }
        List<Target> targets = new ArrayList<>();
        for (Expr t : a.targets()) {
            targets.add(prepareTarget(t, true));
        }
        int base = fn.freeReg;
        pushExplist(a.values(), targets.size());
        for (int i = 0; i < targets.size(); i++) {
            store(targets.get(i), base + i, a.span());
        }
    }

    // ---- aggregations ----------------------------------------------------------------------------------

    /**
     * {@code target = agg(args)}: a variable is read into a register, aggregated by AGG and written
     * back (the aggregation is the same object after its first update); a table slot is aggregated
     * in place by TAGG.
     */
    private void aggregate(Expr target, Expr.Call call, Builtin b) {
        AggregationKind kind = AggregationKind.byFunctionName(b.functionName()).orElseThrow();
        List<Expr> args = call.args();
        if (args.size() != b.minArgs()) {
            error(CodegenError.BUILTIN_ARITY.at(call.span(), b.functionName(), arity(b)));
            return;
        }
        long min = 0;
        long max = 0;
        long step = 0;
        if (kind == AggregationKind.LHIST) {
            long[] bounds = new long[3];
            for (int i = 0; i < 3; i++) {
                if (!(args.get(i + 1) instanceof Expr.Int n)) {
                    error(CodegenError.LHIST_BOUNDS.at(args.get(i + 1).span(), "min, max and step must be integer literals"));
                    return;
                }
                bounds[i] = n.value();
            }
            min = bounds[0];
            max = bounds[1];
            step = bounds[2];
            if (AggregationKind.lhistBuckets(min, max, step) < 0) {
                error(CodegenError.LHIST_BOUNDS.at(call.span(), "lhist(v, " + min + ", " + max + ", " + step
                        + ") needs min < max and a step >= 1 dividing max - min into at most "
                        + AggregationKind.MAX_LHIST_BUCKETS + " buckets"));
                return;
            }
        }
        Expr value = args.isEmpty() ? null : args.get(0);
        if (target instanceof Expr.Index ix) {
            int spec = aggregationSpec(new AggregationSpec(Bytes.fromText(aggregationName(ix.target())), kind, min, max, step),
                    call.span());
            int base = alloc(3);
            exprTo(ix.target(), base);
            exprTo(ix.key(), base + 1);
            if (value != null) {
                exprTo(value, base + 2);
            }
            emitAd(Opcode.TAGG, base, spec);
            return;
        }
        Expr.Name n = (Expr.Name) target;
        int spec = aggregationSpec(new AggregationSpec(Bytes.fromText(n.name()), kind, min, max, step), call.span());
        Resolved r = resolve(n.name(), n.span());
        int base = alloc(2);
        if (r instanceof LocalVar l) {
            emitAd(Opcode.MOV, base, l.reg);
        } else if (r instanceof UpVar u) {
            emitAd(Opcode.UGET, base, u.index);
        } else if (r instanceof GlobalVar g) {
            declaredGlobals.add(g.name);
            emitAd(Opcode.GGET, base, globalSlot(g.name, n.span()));
        } else {
            error(CodegenError.ASSIGN_TO_BUILTIN.at(n.span(), n.name()));
            return;
        }
        if (value != null) {
            exprTo(value, base + 1);
        }
        emitAd(Opcode.AGG, base, spec);
        if (r instanceof LocalVar l) {
            emitAd(Opcode.MOV, l.reg, base);
        } else if (r instanceof UpVar u) {
            emitAd(Opcode.USET, u.index, base);
        } else if (r instanceof GlobalVar g) {
            emitAd(Opcode.GSET, base, globalSlot(g.name, n.span()));
        }
    }

    /** {@code s} for {@code s[k]}, {@code a.b} for {@code a.b[k]}; empty when the table has no such name. */
    private static String aggregationName(Expr table) {
        if (table instanceof Expr.Name n) {
            return n.name();
        }
        if (table instanceof Expr.Index ix && ix.key() instanceof Expr.Str key) {
            String outer = aggregationName(ix.target());
            return outer.isEmpty() ? "" : outer + "." + Bytes.toText(key.value());
        }
        return "";
    }

    private int aggregationSpec(AggregationSpec spec, Span span) {
        Integer index = aggregations.get(spec);
        if (index == null) {
            if (aggregations.size() >= MAX_AGGREGATIONS) {
                fatal(CodegenError.TOO_MANY_AGGREGATIONS.at(span, MAX_AGGREGATIONS));
            }
            index = aggregations.size();
            aggregations.put(spec, index);
        }
        return index;
    }

    /** The aggregation {@code c} calls, reported when it stands anywhere but {@code target = agg(...)}. */
    private boolean misplacedAggregation(Expr.Call c) {
        Builtin agg = AggregationNames.called(c, shadowedAggregations);
        if (agg == null) {
            return false;
        }
        String f = agg.functionName();
        error(CodegenError.AGGREGATION_CONTEXT.at(c.span(), f, f, f));
        return true;
    }

    private void compoundAssign(Stmt.CompoundAssign c) {
        if (c.target() instanceof Expr.Index ix) {
            int t = exprAny(ix.target());
            if (c.op() == BinOp.ADD || c.op() == BinOp.SUB) {
                int k = exprAny(ix.key());
                int v = exprAny(c.value());
                if (c.op() == BinOp.SUB) {
                    int neg = alloc(1);
                    emitAd(Opcode.NEG, neg, v);
                    v = neg;
                }
                emitAbc(Opcode.TINCR, v, t, k);
                return;
            }
            int ck = constKey(ix.key());
            int k = ck < 0 ? exprAny(ix.key()) : -1;
            int v = exprAny(c.value());
            int cur = alloc(1);
            if (ck >= 0) {
                emitAbc(Opcode.TGETK, cur, t, ck);
            } else {
                emitAbc(Opcode.TGET, cur, t, k);
            }
            emitAbc(arith(c.op()), cur, cur, v);
            if (ck >= 0) {
                emitAbc(Opcode.TSETK, cur, t, ck);
            } else {
                emitAbc(Opcode.TSET, cur, t, k);
            }
            return;
        }
        Expr.Name n = (Expr.Name) c.target();
        Resolved r = resolve(n.name(), n.span());
        if (r instanceof LocalVar l) {
            int v = exprAny(c.value());
            emitAbc(arith(c.op()), l.reg, l.reg, v);
        } else if (r instanceof UpVar u) {
            int v = exprAny(c.value());
            int cur = alloc(1);
            emitAd(Opcode.UGET, cur, u.index);
            emitAbc(arith(c.op()), cur, cur, v);
            emitAd(Opcode.USET, u.index, cur);
        } else if (r instanceof GlobalVar g) {
            globalReads.add(new Read(g.name, n.span()));
            int slot = globalSlot(g.name, n.span());
            int v = exprAny(c.value());
            int cur = alloc(1);
            emitAd(Opcode.GGET, cur, slot);
            emitAbc(arith(c.op()), cur, cur, v);
            emitAd(Opcode.GSET, cur, slot);
        } else {
            error(CodegenError.ASSIGN_TO_BUILTIN.at(n.span(), n.name()));
        }
    }

    private static Opcode arith(BinOp op) {
        return switch (op) {
            case ADD -> Opcode.ADD;
            case SUB -> Opcode.SUB;
            case MUL -> Opcode.MUL;
            case DIV -> Opcode.DIV;
            case MOD -> Opcode.MOD;
            case POW -> Opcode.POW;
            case CONCAT -> Opcode.CAT;
            default -> throw new IllegalArgumentException("not an arithmetic operator: " + op);
        };
    }

    private void ifStmt(Stmt.If s) {
        List<Integer> toEnd = new ArrayList<>();
        for (int i = 0; i < s.arms().size(); i++) {
            Stmt.If.Arm arm = s.arms().get(i);
            List<Integer> next = condJump(arm.condition(), false);
            enterScope(false);
            statements(arm.body());
            leaveScope();
            boolean more = i + 1 < s.arms().size() || s.orElse() != null;
            if (more) {
                toEnd.add(emitJump(Opcode.JMP, 0));
            }
            patchAll(next, here());
        }
        if (s.orElse() != null) {
            enterScope(false);
            statements(s.orElse());
            leaveScope();
        }
        patchAll(toEnd, here());
    }

    private void whileStmt(Stmt.While w) {
        int start = here();
        List<Integer> exit = condJump(w.condition(), false);
        enterScope(true);
        Scope loop = fn.scope;
        statements(w.body());
        leaveScope();
        patch(emitJump(Opcode.JMP, 0), start);
        patchAll(exit, here());
        patchAll(loop.breaks, here());
    }

    private void repeatStmt(Stmt.Repeat r) {
        int start = here();
        enterScope(true);
        Scope loop = fn.scope;
        statements(r.body());
        List<Integer> again = condJump(r.condition(), false);
        if (hasCaptured(loop)) {
            emitAsd(Opcode.UCLO, loop.nactive, 1);
            patchAll(again, here());
            patch(emitJump(Opcode.UCLO, loop.nactive), start);
        } else {
            patchAll(again, start);
        }
        dropScope();
        patchAll(loop.breaks, here());
    }

    private void numericFor(Stmt.NumericFor f) {
        enterScope(false);
        int base = alloc(3);
        exprTo(f.start(), base);
        exprTo(f.limit(), base + 1);
        if (f.step() != null) {
            exprTo(f.step(), base + 2);
        } else {
            emitAsd(Opcode.KSHORT, base + 2, 1);
        }
        declareLocal("(for index)", base);
        declareLocal("(for count)", base + 1);
        declareLocal("(for step)", base + 2);
        int prep = emitJump(Opcode.FORPREP, base);
        int body = here();
        enterScope(true);
        Scope loop = fn.scope;
        declareLocal(f.var(), alloc(1));
        statements(f.body());
        leaveScope();
        patch(emitJump(Opcode.FORLOOP, base), body);
        patch(prep, here());
        patchAll(loop.breaks, here());
        leaveScope();
    }

    private void cFor(Stmt.CFor f) {
        enterScope(false);
        int var = alloc(1);
        exprTo(f.init(), var);
        declareLocal(f.var(), var);
        int start = here();
        List<Integer> exit = condJump(f.condition(), false);
        enterScope(true);
        Scope loop = fn.scope;
        statements(f.body());
        leaveScope();
        stmt(f.update());
        patch(emitJump(Opcode.JMP, 0), start);
        patchAll(exit, here());
        patchAll(loop.breaks, here());
        leaveScope();
    }

    private void forIn(Stmt.ForIn f) {
        if (f.iterators().size() == 1 && f.iterators().get(0) instanceof Expr.Call c
                && builtinCallee(c.callee()) == Builtin.PAIRS) {
            if (c.args().size() != 1) {
                error(CodegenError.BUILTIN_ARITY.at(c.span(), "pairs", arity(Builtin.PAIRS)));
                return;
            }
            forPairs(f, c.args().get(0));
            return;
        }
        enterScope(false);
        int base = fn.freeReg;
        pushExplist(f.iterators(), 3);
        declareLocal("(for generator)", base);
        declareLocal("(for state)", base + 1);
        declareLocal("(for control)", base + 2);
        int nv = f.names().size();
        int start = here();
        int call = alloc(3);
        emitAd(Opcode.MOV, call, base);
        emitAd(Opcode.MOV, call + 1, base + 1);
        emitAd(Opcode.MOV, call + 2, base + 2);
        emitAbc(Opcode.CALL, call, 3, nv + 1);
        setFree(call + Math.max(nv, 1));
        int test = alloc(1);
        emitAd(Opcode.KPRI, test, 0);
        emitAbc(Opcode.EQ, test, call, test);
        int exit = emitJump(Opcode.JMPT, test);
        emitAd(Opcode.MOV, base + 2, call);
        setFree(call);
        enterScope(true);
        Scope loop = fn.scope;
        for (String name : f.names()) {
            declareLocal(name, alloc(1));
        }
        statements(f.body());
        leaveScope();
        patch(emitJump(Opcode.JMP, 0), start);
        patch(exit, here());
        patchAll(loop.breaks, here());
        leaveScope();
    }

    private void forPairs(Stmt.ForIn f, Expr table) {
        enterScope(false);
        int base = alloc(2);
        exprTo(table, base);
        declareLocal("(for table)", base);
        declareLocal("(for cursor)", base + 1);
        int prep = emitJump(Opcode.ITERP, base);
        int body = here();
        enterScope(true);
        Scope loop = fn.scope;
        declareLocal(f.names().get(0), alloc(1));
        declareLocal(f.names().size() > 1 ? f.names().get(1) : "(for value)", alloc(1));
        if (f.names().size() > 2) {
            int extra = alloc(f.names().size() - 2);
            emitAd(Opcode.KNIL, extra, fn.freeReg - 1);
            for (int i = 2; i < f.names().size(); i++) {
                declareLocal(f.names().get(i), extra + i - 2);
            }
        }
        statements(f.body());
        leaveScope();
        patch(prep, here());
        patch(emitJump(Opcode.ITERN, base), body);
        patchAll(loop.breaks, here());
        leaveScope();
    }

    private void breakStmt(Stmt.Break b) {
        Scope s = fn.scope;
        while (s != null && !s.loop) {
            s = s.outer;
        }
        if (s == null) {
            error(CodegenError.BREAK_OUTSIDE_LOOP.at(b.span()));
            return;
        }
        // Always close: a local declared before the break may be captured by code after it.
        s.breaks.add(emitJump(Opcode.UCLO, s.nactive));
    }

    private void functionDecl(Stmt.FunctionDecl d) {
        List<String> path = d.path();
        String fname = String.join(".", path) + (d.method() != null ? ":" + d.method() : "");
        if (path.size() == 1 && d.method() == null) {
            Expr.Name n = new Expr.Name(d.span(), path.get(0));
            Resolved r = resolve(n.name(), n.span());
            if (r instanceof LocalVar l) {
                emitAd(Opcode.FNEW, l.reg, function(d.function(), fname, false));
                return;
            }
            int tmp = alloc(1);
            emitAd(Opcode.FNEW, tmp, function(d.function(), fname, false));
            if (r instanceof GlobalVar g && !checkAssignableGlobal(g.name(), d.span())) {
                return;
            }
            store(new Target(r, -1, -1, -1), tmp, d.span());
            return;
        }
        Expr target = new Expr.Name(d.span(), path.get(0));
        int last = d.method() == null ? path.size() - 1 : path.size();
        for (int i = 1; i < last; i++) {
            target = new Expr.Index(d.span(), target, new Expr.Str(d.span(), Bytes.fromText(path.get(i))));
        }
        String key = d.method() != null ? d.method() : path.get(path.size() - 1);
        int t = exprAny(target);
        int v = alloc(1);
        emitAd(Opcode.FNEW, v, function(d.function(), fname, d.method() != null));
        int ck = constKey(new Expr.Str(d.span(), Bytes.fromText(key)));
        if (ck >= 0) {
            emitAbc(Opcode.TSETK, v, t, ck);
        } else {
            int k = alloc(1);
            emitAd(Opcode.KCONST, k, stringConstant(Bytes.fromText(key), d.span()));
            emitAbc(Opcode.TSET, v, t, k);
        }
    }

    /** Compiles a nested function; returns its prototype index. */
    private int function(FunctionBody body, String name, boolean method) {
        Fn saved = fn;
        Fn f = newFn(saved, name, body.span(), body.variadic(), Role.FUNCTION);
        fn = f;
        enterScope(false);
        List<String> params = new ArrayList<>();
        if (method) {
            params.add("self");
        }
        params.addAll(body.params());
        if (params.size() > MAX_REGISTERS) {
            fatal(CodegenError.TOO_MANY_PARAMETERS.at(body.span(), name, MAX_REGISTERS));
        }
        for (String p : params) {
            declareLocal(p, alloc(1));
        }
        f.numParams = params.size();
        statements(body.body());
        dropScope();
        finish(f, body.span());
        fn = saved;
        return f.index;
    }

    private void returnStmt(Stmt.Return r) {
        List<Expr> values = r.values();
        if (values.isEmpty()) {
            emitAd(Opcode.RET, 0, 1);
            return;
        }
        if (values.size() == 1 && isMulti(values.get(0)) && !(values.get(0) instanceof Expr.Vararg)) {
            int base = alloc(1);
            callInto(values.get(0), base, MULT, true);
            return;
        }
        if (values.size() == 1 && values.get(0) instanceof Expr.Name n
                && resolve(n.name(), n.span()) instanceof LocalVar l) {
            emitAd(Opcode.RET, l.reg, 2);
            return;
        }
        int base = fn.freeReg;
        boolean open = pushExplist(values, MULT);
        emitAd(Opcode.RET, base, open ? 0 : values.size() + 1);
    }

    // ---- expressions ------------------------------------------------------------------------------

    /** Whether {@code e} can produce several values: a call of a function (not a builtin) or {@code ...}. */
    private boolean isMulti(Expr e) {
        if (e instanceof Expr.Vararg) {
            return fn.variadic;
        }
        if (e instanceof Expr.Call c) {
            return builtinCallee(c.callee()) == null;
        }
        return e instanceof Expr.MethodCall;
    }

    /**
     * Evaluates {@code es} into consecutive new registers from {@code freeReg}: exactly {@code want}
     * values, or (want = MULT) all of them with the last one's results left open. Returns whether
     * the count is variable ({@code top} set by the last instruction).
     */
    private boolean pushExplist(List<Expr> es, int want) {
        int n = es.size();
        int base = fn.freeReg;
        for (int i = 0; i < n; i++) {
            Expr e = es.get(i);
            boolean last = i == n - 1;
            if (last && isMulti(e)) {
                if (want == MULT) {
                    multi(e, alloc(1), MULT);
                    return true;
                }
                int remaining = want - i;
                if (remaining <= 0) {
                    int r = alloc(1);
                    multi(e, r, 0);
                    fn.freeReg = r;
                } else {
                    multi(e, alloc(remaining), remaining);
                    setFree(base + want);
                }
                return false;
            }
            if (want == MULT || i < want) {
                exprTo(e, alloc(1));
            } else {
                int r = alloc(1);
                exprTo(e, r);
                fn.freeReg = r;
            }
        }
        if (want != MULT && n < want) {
            int r = alloc(want - n);
            emitAd(Opcode.KNIL, r, r + want - n - 1);
        }
        return false;
    }

    /** Evaluates a multi-value expression into {@code base ..}: {@code want} values or MULT. */
    private void multi(Expr e, int base, int want) {
        if (e instanceof Expr.Vararg) {
            emitAd(Opcode.VARG, base, want == MULT ? 0 : want + 1);
        } else {
            callInto(e, base, want, false);
        }
    }

    /** Evaluates {@code e} into a register, returning a local's own register when it is one. */
    private int exprAny(Expr e) {
        if (e instanceof Expr.Name n && resolve(n.name(), n.span()) instanceof LocalVar l) {
            return l.reg;
        }
        return exprToNew(e);
    }

    /** Evaluates {@code e} into a new register. */
    private int exprToNew(Expr e) {
        int r = alloc(1);
        exprTo(e, r);
        return r;
    }

    /** Evaluates {@code e} into the register of a local, through a temporary when {@code e} would clobber it early. */
    private void exprToLocal(Expr e, int reg) {
        boolean writesEarly = e instanceof Expr.Table
                || e instanceof Expr.Binary b && b.op().isLogical();
        if (writesEarly) {
            int mark = fn.freeReg;
            int t = exprToNew(e);
            emitAd(Opcode.MOV, reg, t);
            fn.freeReg = mark;
        } else {
            exprTo(e, reg);
        }
    }

    /** Emits code leaving the value of {@code e} in register {@code dst}; temporaries above {@code freeReg} are released. */
    private void exprTo(Expr e, int dst) {
        int savedLine = enterLine(e.span());
        int mark = fn.freeReg;
        if (e instanceof Expr.Nil) {
            emitAd(Opcode.KPRI, dst, 0);
        } else if (e instanceof Expr.Bool b) {
            emitAd(Opcode.KPRI, dst, b.value() ? 2 : 1);
        } else if (e instanceof Expr.Int n) {
            loadInt(dst, n.value(), n.span());
        } else if (e instanceof Expr.Str s) {
            emitAd(Opcode.KCONST, dst, stringConstant(s.value(), s.span()));
        } else if (e instanceof Expr.Vararg v) {
            if (!fn.variadic) {
                error(CodegenError.VARARG_OUTSIDE_VARIADIC.at(v.span()));
            } else {
                emitAd(Opcode.VARG, dst, 2);
            }
        } else if (e instanceof Expr.Name n) {
            name(n, dst);
        } else if (e instanceof Expr.Index ix) {
            index(ix, dst);
        } else if (e instanceof Expr.Call || e instanceof Expr.MethodCall) {
            if (dst == fn.freeReg - 1 && isTemp(dst)) {
                callInto(e, dst, 1, false);
            } else {
                int base = alloc(1);
                callInto(e, base, 1, false);
                emitAd(Opcode.MOV, dst, base);
            }
        } else if (e instanceof Expr.Function f) {
            emitAd(Opcode.FNEW, dst, function(f.body(), "function@" + f.span().line(), false));
        } else if (e instanceof Expr.Table t) {
            table(t, dst);
        } else if (e instanceof Expr.Binary b) {
            binary(b, dst);
        } else if (e instanceof Expr.Unary u) {
            int r = exprAny(u.operand());
            emitAd(u.op() == UnOp.NEG ? Opcode.NEG : Opcode.NOT, dst, r);
        } else if (e instanceof Expr.EventArg a) {
            eventAccess(a.index(), "arg" + a.index(), a.span(), dst);
        } else if (e instanceof Expr.EventVar v) {
            eventAccess(v.kind() == Expr.EventVar.Kind.ARGNAME ? 10 : 11, v.kind().keyword(), v.span(), dst);
        } else {
            throw new IllegalStateException("unknown expression " + e);
        }
        fn.freeReg = Math.max(mark, fn.actives.size());
        fn.line = savedLine;
    }

    private void eventAccess(int selector, String word, Span span, int dst) {
        if (fn.role == Role.MAIN || fn.role == Role.END) {
            error(CodegenError.NO_EVENT_HERE.at(span, word));
            return;
        }
        emitAd(Opcode.EVGET, dst, selector);
    }

    private void name(Expr.Name n, int dst) {
        Resolved r = resolve(n.name(), n.span());
        if (r instanceof LocalVar l) {
            if (l.reg != dst) {
                emitAd(Opcode.MOV, dst, l.reg);
            }
        } else if (r instanceof UpVar u) {
            emitAd(Opcode.UGET, dst, u.index);
        } else if (r instanceof GlobalVar g) {
            globalReads.add(new Read(g.name, n.span()));
            emitAd(Opcode.GGET, dst, globalSlot(g.name, n.span()));
        } else if (r instanceof BuiltinVar b) {
            if (b.builtin().bareWord()) {
                emitAbc(Opcode.CALLB, dst, 1, b.builtin().id());
            } else {
                error(CodegenError.BUILTIN_AS_VALUE.at(n.span(), n.name()));
            }
        } else if (r instanceof LibraryVar l) {
            error(CodegenError.LIBRARY_AS_VALUE.at(n.span(), l.name()));
        }
    }

    private void index(Expr.Index ix, int dst) {
        if (ix.target() instanceof Expr.Name lib && resolve(lib.name(), lib.span()) instanceof LibraryVar) {
            error(CodegenError.LIBRARY_AS_VALUE.at(lib.span(), lib.name()));
            return;
        }
        int t = exprAny(ix.target());
        int ck = constKey(ix.key());
        if (ck >= 0) {
            emitAbc(Opcode.TGETK, dst, t, ck);
        } else {
            emitAbc(Opcode.TGET, dst, t, exprAny(ix.key()));
        }
    }

    private void table(Expr.Table t, int dst) {
        int reg = isTemp(dst) && dst == fn.freeReg - 1 ? dst : alloc(1);
        int narr = 0;
        int nrec = 0;
        for (TableField f : t.fields()) {
            if (f instanceof TableField.Positional) {
                narr++;
            } else {
                nrec++;
            }
        }
        emitAbc(Opcode.TNEW, reg, Math.min(narr, Ins.MAX_ABC), Math.min(nrec, Ins.MAX_ABC));
        long next = 1;
        for (int i = 0; i < t.fields().size(); i++) {
            TableField f = t.fields().get(i);
            int mark = fn.freeReg;
            boolean last = i == t.fields().size() - 1;
            if (f instanceof TableField.Positional p) {
                if (last && isMulti(p.value()) && next <= Ins.MAX_D) {
                    multi(p.value(), alloc(1), MULT);
                    emitAd(Opcode.TSETM, reg, (int) next);
                } else {
                    int v = exprAny(p.value());
                    int ck = constKey(new Expr.Int(p.span(), next));
                    if (ck >= 0) {
                        emitAbc(Opcode.TSETK, v, reg, ck);
                    } else {
                        int k = alloc(1);
                        loadInt(k, next, p.span());
                        emitAbc(Opcode.TSET, v, reg, k);
                    }
                }
                next++;
            } else {
                TableField.Keyed kf = (TableField.Keyed) f;
                int ck = constKey(kf.key());
                int k = ck < 0 ? exprAny(kf.key()) : -1;
                int v = exprAny(kf.value());
                if (ck >= 0) {
                    emitAbc(Opcode.TSETK, v, reg, ck);
                } else {
                    emitAbc(Opcode.TSET, v, reg, k);
                }
            }
            fn.freeReg = mark;
        }
        if (reg != dst) {
            emitAd(Opcode.MOV, dst, reg);
        }
    }

    private void binary(Expr.Binary b, int dst) {
        if (b.op().isLogical()) {
            if (!isTemp(dst)) {
                int t = exprToNew(b);
                emitAd(Opcode.MOV, dst, t);
                return;
            }
            exprTo(b.left(), dst);
            int skip = emitJump(b.op() == BinOp.AND ? Opcode.JMPF : Opcode.JMPT, dst);
            exprTo(b.right(), dst);
            patch(skip, here());
            return;
        }
        int l = exprAny(b.left());
        int r = exprAny(b.right());
        switch (b.op()) {
            case EQ -> emitAbc(Opcode.EQ, dst, l, r);
            case NE -> emitAbc(Opcode.NE, dst, l, r);
            case LT -> emitAbc(Opcode.LT, dst, l, r);
            case LE -> emitAbc(Opcode.LE, dst, l, r);
            case GT -> emitAbc(Opcode.LT, dst, r, l);
            case GE -> emitAbc(Opcode.LE, dst, r, l);
            default -> emitAbc(arith(b.op()), dst, l, r);
        }
    }

    /**
     * Emits jumps taken when the truthiness of {@code e} is {@code when}; control falls through
     * otherwise. Returns the jumps to patch.
     */
    private List<Integer> condJump(Expr e, boolean when) {
        List<Integer> jumps = new ArrayList<>();
        int savedLine = enterLine(e.span());
        if (e instanceof Expr.Unary u && u.op() == UnOp.NOT) {
            jumps.addAll(condJump(u.operand(), !when));
        } else if (e instanceof Expr.Binary b && b.op().isLogical()) {
            boolean and = b.op() == BinOp.AND;
            if (and != when) {
                // (a && b) jumping when false, or (a || b) jumping when true: either operand decides.
                jumps.addAll(condJump(b.left(), when));
                jumps.addAll(condJump(b.right(), when));
            } else {
                List<Integer> skip = condJump(b.left(), !when);
                jumps.addAll(condJump(b.right(), when));
                patchAll(skip, here());
            }
        } else if (e instanceof Expr.Nil || e instanceof Expr.Bool || e instanceof Expr.Int || e instanceof Expr.Str) {
            boolean truthy = !(e instanceof Expr.Nil) && !(e instanceof Expr.Bool bo && !bo.value());
            if (truthy == when) {
                jumps.add(emitJump(Opcode.JMP, 0));
            }
        } else {
            int mark = fn.freeReg;
            int r = exprAny(e);
            jumps.add(emitJump(when ? Opcode.JMPT : Opcode.JMPF, r));
            fn.freeReg = mark;
        }
        fn.line = savedLine;
        return jumps;
    }

    // ---- calls ------------------------------------------------------------------------------------

    /**
     * Compiles a call ({@link Expr.Call} or {@link Expr.MethodCall}) whose callee slot is
     * {@code base} (allocated, the top register): {@code want} results land in {@code base ..}
     * (MULT: all, setting top). With {@code tail}, emits a tail call instead.
     */
    private void callInto(Expr e, int base, int want, boolean tail) {
        int savedLine = enterLine(e.span());
        int nargs;
        boolean open;
        if (e instanceof Expr.MethodCall m) {
            setFree(base + 1);
            int self = alloc(1);
            exprTo(m.receiver(), self);
            int ck = constKey(new Expr.Str(m.span(), Bytes.fromText(m.method())));
            if (ck >= 0) {
                emitAbc(Opcode.TGETK, base, self, ck);
            } else {
                int k = alloc(1);
                emitAd(Opcode.KCONST, k, stringConstant(Bytes.fromText(m.method()), m.span()));
                emitAbc(Opcode.TGET, base, self, k);
                fn.freeReg = k;
            }
            open = pushExplist(m.args(), MULT);
            nargs = m.args().size() + 1;
        } else {
            Expr.Call c = (Expr.Call) e;
            if (misplacedAggregation(c)) {
                setFree(base + Math.max(1, want == MULT ? 1 : want));
                fn.line = savedLine;
                return;
            }
            Builtin b = builtinCallee(c.callee());
            if (b != null) {
                if (b == Builtin.EMIT) {
                    emitCall(c, base, tail || want != 0);
                } else {
                    builtinCall(b, c, base);
                }
                if (tail) {
                    emitAd(Opcode.RET, base, 2);
                } else if (want == MULT) {
                    throw new IllegalStateException("a builtin call is never multi-valued");
                } else if (want > 1) {
                    emitAd(Opcode.KNIL, base + 1, base + want - 1);
                    setFree(base + want);
                }
                fn.line = savedLine;
                return;
            }
            if (unknownLibraryFunction(c.callee())) {
                fn.line = savedLine;
                return;
            }
            setFree(base + 1);
            exprTo(c.callee(), base);
            open = pushExplist(c.args(), MULT);
            nargs = c.args().size();
        }
        if (nargs + 1 > Ins.MAX_ABC) {
            fatal(CodegenError.TOO_MANY_ARGUMENTS.at(e.span(), Ins.MAX_ABC - 1));
        }
        int b = open ? 0 : nargs + 1;
        if (tail) {
            emitAbc(Opcode.TAILCALL, base, b, 0);
        } else {
            emitAbc(Opcode.CALL, base, b, want == MULT ? 0 : want + 1);
        }
        fn.freeReg = base + 1;
        if (want > 1) {
            setFree(base + want);
        }
        fn.line = savedLine;
    }

    private void builtinCall(Builtin b, Expr.Call c, int base) {
        List<Expr> args = c.args();
        if (b == Builtin.PAIRS) {
            error(CodegenError.PAIRS_OUTSIDE_FOR.at(c.span()));
            return;
        }
        setFree(base);
        if (b == Builtin.LEN && args.size() == 1 && !isMulti(args.get(0))) {
            int mark = fn.freeReg;
            int r = exprAny(args.get(0));
            emitAd(Opcode.LEN, base, r);
            fn.freeReg = mark;
            setFree(base + 1);
            return;
        }
        boolean open = pushExplist(args, MULT);
        if (!open && !b.accepts(args.size())) {
            error(CodegenError.BUILTIN_ARITY.at(c.span(), b.qualifiedName(), arity(b)));
        }
        if (args.size() + 1 > Ins.MAX_ABC) {
            fatal(CodegenError.TOO_MANY_ARGUMENTS.at(c.span(), Ins.MAX_ABC - 1));
        }
        emitAbc(Opcode.CALLB, base, open ? 0 : args.size() + 1, b.id());
        fn.freeReg = base;
        setFree(base + 1);
    }

    // ---- typed records -----------------------------------------------------------------------------

    /**
     * {@code emit("Name", v1, ..., vn)}: each value (one per argument, a call's first result) in
     * registers {@code base ..}, then {@code EMIT base, n, schema}; with {@code wantResult}, the
     * call's value (nil) in {@code base}.
     */
    private void emitCall(Expr.Call c, int base, boolean wantResult) {
        List<Expr> args = c.args();
        setFree(base);
        if (args.isEmpty()) {
            error(CodegenError.BUILTIN_ARITY.at(c.span(), "emit", arity(Builtin.EMIT)));
            setFree(base + 1);
            return;
        }
        List<Expr> values = args.subList(1, args.size());
        if (values.size() > Ins.MAX_ABC) {
            fatal(CodegenError.TOO_MANY_ARGUMENTS.at(c.span(), Ins.MAX_ABC));
        }
        int schema = -1;
        if (args.get(0) instanceof Expr.Str name) {
            schema = recordSchema(name, values, c.span());
        } else {
            error(CodegenError.EMIT_TYPE_NOT_LITERAL.at(args.get(0).span()));
        }
        for (Expr v : values) {
            exprTo(v, alloc(1));
        }
        if (schema >= 0) {
            emitAbc(Opcode.EMIT, base, values.size(), schema);
        }
        fn.freeReg = base;
        setFree(base + 1);
        if (wantResult) {
            emitAd(Opcode.KNIL, base, base);
        }
    }

    /** The index of the schema {@code emit(name, values...)} writes, or -1 after a diagnostic. */
    private int recordSchema(Expr.Str name, List<Expr> values, Span call) {
        String type = name.value();
        Integer known = schemaIndex.get(type);
        RecordSchema schema = known == null ? null : schemas.get(known);
        if (!declaredRecords.isEmpty()) {
            schema = declaredRecords.get(type);
            if (schema == null) {
                error(CodegenError.UNKNOWN_RECORD_TYPE.at(name.span(), Bytes.toText(type), declaredRecords.keySet().stream()
                        .map(Bytes::toText).collect(java.util.stream.Collectors.joining(", "))));
                return -1;
            }
            int n = schema.fields().size();
            if (values.size() != n) {
                error(CodegenError.RECORD_ARITY.at(call, Bytes.toText(type), n, n == 1 ? "" : "s",
                        String.join(", ", schema.fieldNames()), values.size(), values.size() == 1 ? "" : "s"));
                return -1;
            }
        } else if (schema != null) {
            int n = schema.fields().size();
            if (values.size() != n) {
                error(CodegenError.INFERRED_RECORD_ARITY.at(call, Bytes.toText(type), values.size(),
                        values.size() == 1 ? "" : "s", n, schemaFirstUse.get(known).line()));
                return -1;
            }
            return known;
        } else {
            if (values.isEmpty()) {
                error(CodegenError.BUILTIN_ARITY.at(call, "emit", "expects at least 2: the record type and a value"));
                return -1;
            }
            schema = inferredSchema(type, values);
        }
        Integer index = schemaIndex.get(type);
        if (index == null) {
            if (schemas.size() > Ins.MAX_ABC) {
                fatal(CodegenError.TOO_MANY_RECORD_TYPES.at(call, Ins.MAX_ABC + 1));
            }
            index = schemas.size();
            schemas.add(schema);
            schemaFirstUse.add(call);
            schemaIndex.put(type, index);
        }
        return index;
    }

    private static RecordSchema inferredSchema(String type, List<Expr> values) {
        List<RecordSchema.Field> fields = new ArrayList<>(values.size());
        Set<String> used = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String base = fieldName(values.get(i), i + 1);
            String name = base;
            for (int k = 2; !used.add(name); k++) {
                name = base + "_" + k;
            }
            fields.add(new RecordSchema.Field(name, RecordSchema.FieldType.ANY));
        }
        return new RecordSchema(type, fields);
    }

    /** The field name an inferred record gives the value {@code e} at {@code position} (from 1). */
    private static String fieldName(Expr e, int position) {
        if (e instanceof Expr.Name n) {
            return n.name();
        } else if (e instanceof Expr.EventArg a) {
            return "arg" + a.index();
        } else if (e instanceof Expr.EventVar v) {
            return v.kind().keyword();
        } else if (e instanceof Expr.Index ix && ix.key() instanceof Expr.Str k && isIdentifier(k.value())) {
            return k.value();
        } else if (e instanceof Expr.Call c) {
            return fieldName(c.callee(), position);
        } else if (e instanceof Expr.MethodCall m && isIdentifier(m.method())) {
            return m.method();
        }
        return "_" + position;
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty() || Character.isDigit(s.charAt(0))) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (!(ch == '_' || ch < 0x80 && Character.isLetterOrDigit(ch))) {
                return false;
            }
        }
        return true;
    }

    private static String arity(Builtin b) {
        if (b.maxArgs() == Builtin.VARIADIC) {
            return "expects at least " + b.minArgs();
        }
        if (b.minArgs() == b.maxArgs()) {
            return "expects " + b.minArgs();
        }
        return "expects " + b.minArgs() + " to " + b.maxArgs();
    }
}
