package io.ktap.compiler;

import io.ktap.ast.AggregationNames;
import io.ktap.ast.Block;
import io.ktap.ast.Builtin;
import io.ktap.ast.Diagnostic;
import io.ktap.ast.Expr;
import io.ktap.ast.FunctionBody;
import io.ktap.ast.Program;
import io.ktap.ast.Span;
import io.ktap.ast.Stmt;
import io.ktap.ast.TableField;
import io.ktap.trace.AggregationKind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Name resolution and the static checks of a parsed program, as a pass of its own.
 *
 * <p>A name is, in this order: a local of the enclosing function, an upvalue (a local of a
 * function around it), a builtin ({@link Builtin#byName}; bare words such as {@code pid} mean the
 * call), or a global. Globals are the script's top-level {@code var}s and {@code function}s, the
 * script-arguments table {@code arg}, and any name assigned where no local of that name is in
 * scope (early ktap's {@code hist = {}}). Globals may not reuse the name of a builtin or a library,
 * so a name that is not a local or upvalue means the same thing everywhere. Library tables
 * ({@code table}, {@code kdebug}, {@code ansi}, {@code net}) exist only to call their functions.
 *
 * <p>Checked here: reading a name declared nowhere, builtin argument counts, unknown library
 * functions, {@code break} outside a loop, {@code ...} outside a variadic function, duplicate
 * parameters, event variables where there is no event, and probe blocks below the top level.
 */
public final class Resolver {

    private static final Pattern NUMBERED_ARG = Pattern.compile("arg[0-9]+");

    /** The library table names, {@link Builtin#isLibrary} precomputed. */
    private static final Set<String> LIBRARIES = Arrays.stream(Builtin.values()).map(Builtin::library)
            .filter(Objects::nonNull).collect(Collectors.toUnmodifiableSet());

    private static boolean isLibrary(String name) {
        return LIBRARIES.contains(name);
    }

    private enum Kind { MAIN, FUNCTION, HANDLER, END_HANDLER }

    /** One function being resolved: its block scopes, innermost last, and its loop nesting. */
    private static final class Function {
        final Function parent;
        final Kind kind;
        final boolean variadic;
        final Deque<Set<String>> blocks = new ArrayDeque<>();
        int loops;

        Function(Function parent, Kind kind, boolean variadic) {
            this.parent = parent;
            this.kind = kind;
            this.variadic = variadic;
        }

        boolean hasLocal(String name) {
            for (Set<String> block : blocks) {
                if (block.contains(name)) {
                    return true;
                }
            }
            return false;
        }
    }

    private record PendingRead(Span span, String name) {
    }

    private final Diagnostics diagnostics;
    private final Set<String> globals = new HashSet<>();
    private final List<PendingRead> pending = new ArrayList<>();
    /** Aggregation names the program keeps for its own variables ({@link AggregationNames}). */
    private Set<String> shadowedAggregations = Set.of();
    private Function function;

    private Resolver(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
        globals.add("arg");
    }

    /**
     * Checks {@code program}, whether parsed or built with the fluent API, and returns its
     * diagnostics (errors and warnings), in source order.
     */
    public static List<Diagnostic> check(Program program) {
        Diagnostics diagnostics = new Diagnostics();
        try {
            resolve(program, diagnostics);
        } catch (Diagnostics.Abort e) {
            // too many errors: the diagnostics say so
        }
        return KtapCompiler.sorted(diagnostics.all());
    }

    static void resolve(Program program, Diagnostics diagnostics) {
        Resolver r = new Resolver(diagnostics);
        r.shadowedAggregations = AggregationNames.shadowedIn(program);
        r.function = new Function(null, Kind.MAIN, false);
        r.function.blocks.push(new HashSet<>());
        for (Stmt s : program.body().statements()) {
            s.accept(r.statements);
        }
        for (PendingRead read : r.pending) {
            if (!r.globals.contains(read.name())) {
                r.undeclared(read.span(), read.name());
            }
        }
    }

    private void undeclared(Span span, String name) {
        if (NUMBERED_ARG.matcher(name).matches()) {
            diagnostics.error(span, ErrorCode.NO_SUCH_EVENT_ARG,
                    "'" + name + "' is not an event field: the fields are arg1 to arg9");
        } else {
            diagnostics.error(span, ErrorCode.UNDECLARED_NAME,
                    "undeclared name '" + name + "' (declare it with 'var " + name + "' at the top level)");
        }
    }

    // ------------------------------------------------------------------ scopes

    private boolean isLocalOrUpvalue(String name) {
        for (Function f = function; f != null; f = f.parent) {
            if (f.hasLocal(name)) {
                return true;
            }
        }
        return false;
    }

    private boolean atTopLevel() {
        return function.kind == Kind.MAIN && function.blocks.size() == 1;
    }

    private void declareLocal(String name) {
        function.blocks.peek().add(name);
    }

    private void pushBlock() {
        function.blocks.push(new HashSet<>());
    }

    private void popBlock() {
        function.blocks.pop();
    }

    /** Whether a global of this name would hide a builtin or a library; reports it if so. */
    private boolean reservedGlobal(Span span, String name, String what) {
        if (Builtin.byName(name).isPresent() || isLibrary(name)) {
            diagnostics.error(span, ErrorCode.BUILTIN_REDEFINED, "cannot " + what + " '" + name + "': it is a "
                    + (isLibrary(name) ? "library" : "builtin function"));
            return true;
        }
        return false;
    }

    /** An assignment to a bare name: a local or upvalue if there is one, else a global. */
    private void write(Span span, String name) {
        if (isLocalOrUpvalue(name)) {
            return;
        }
        if (!reservedGlobal(span, name, "assign to")) {
            globals.add(name);
        }
    }

    private void read(Span span, String name) {
        if (isLocalOrUpvalue(name) || Builtin.byName(name).isPresent()) {
            return;
        }
        if (isLibrary(name)) {
            diagnostics.error(span, ErrorCode.LIBRARY_NOT_A_VALUE, "library '" + name
                    + "' is not a value: call its functions, as in " + exampleCall(name));
            return;
        }
        if (!globals.contains(name)) {
            pending.add(new PendingRead(span, name));
        }
    }

    private static String exampleCall(String library) {
        for (Builtin b : Builtin.values()) {
            if (library.equals(b.library())) {
                return b.qualifiedName() + "(...)";
            }
        }
        return library + ".f(...)";
    }

    /** The library function {@code lib.fn} that {@code e} names, if it names one (reports unknown ones). */
    private LibraryRef library(Expr e) {
        if (e instanceof Expr.Index index && index.target() instanceof Expr.Name lib
                && isLibrary(lib.name()) && !isLocalOrUpvalue(lib.name())) {
            if (!(index.key() instanceof Expr.Str key)) {
                diagnostics.error(index.span(), ErrorCode.LIBRARY_NOT_A_VALUE, "library '" + lib.name()
                        + "' can only be indexed by a function name, as in " + exampleCall(lib.name()));
                return LibraryRef.INVALID;
            }
            String qualified = lib.name() + "." + key.value();
            return Builtin.byName(qualified).map(b -> new LibraryRef(b, qualified)).orElseGet(() -> {
                diagnostics.error(index.span(), ErrorCode.UNKNOWN_LIBRARY_FUNCTION,
                        "library '" + lib.name() + "' has no function '" + key.value() + "'");
                return LibraryRef.INVALID;
            });
        }
        return null;
    }

    private record LibraryRef(Builtin builtin, String spelling) {
        static final LibraryRef INVALID = new LibraryRef(null, null);
    }

    /** {@code target = agg(args)}: the arity, and lhist's bounds (integer literals dividing into 1..1000 buckets). */
    private void aggregationCall(Expr.Call call, Builtin aggregation) {
        checkArity(call, aggregation, aggregation.functionName());
        expressions(call.args());
        if (aggregation != Builtin.LHIST || call.args().size() != 4) {
            return;
        }
        long[] bounds = new long[3];
        for (int i = 0; i < 3; i++) {
            if (!(call.args().get(i + 1) instanceof Expr.Int n)) {
                diagnostics.error(call.args().get(i + 1).span(), ErrorCode.LHIST_BOUNDS,
                        "invalid lhist bounds: min, max and step must be integer literals");
                return;
            }
            bounds[i] = n.value();
        }
        if (AggregationKind.lhistBuckets(bounds[0], bounds[1], bounds[2]) < 0) {
            diagnostics.error(call.span(), ErrorCode.LHIST_BOUNDS, "invalid lhist bounds: lhist(v, " + bounds[0] + ", "
                    + bounds[1] + ", " + bounds[2] + ") needs min < max and a step >= 1 dividing max - min into at most "
                    + AggregationKind.MAX_LHIST_BUCKETS + " buckets");
        }
    }

    private void checkArity(Expr.Call call, Builtin builtin, String spelling) {
        List<Expr> args = call.args();
        int n = args.size();
        boolean open = n > 0 && isMultiValued(args.get(n - 1));
        boolean ok = open ? builtin.maxArgs() == Builtin.VARIADIC || n - 1 <= builtin.maxArgs() : builtin.accepts(n);
        if (!ok) {
            diagnostics.error(call.span(), ErrorCode.WRONG_ARGUMENT_COUNT,
                    "'" + spelling + "' takes " + arity(builtin) + ", got " + n);
        }
    }

    private static boolean isMultiValued(Expr e) {
        return e instanceof Expr.Call || e instanceof Expr.MethodCall || e instanceof Expr.Vararg;
    }

    private static String arity(Builtin b) {
        int min = b.minArgs();
        int max = b.maxArgs();
        if (max == Builtin.VARIADIC) {
            return "at least " + plural(min);
        }
        if (min == max) {
            return min == 0 ? "no arguments" : plural(min);
        }
        return min == 0 ? "at most " + plural(max) : min + " to " + max + " arguments";
    }

    private static String plural(int n) {
        return n + (n == 1 ? " argument" : " arguments");
    }

    private void function(FunctionBody body, Kind kind, List<String> implicitParams) {
        Function saved = function;
        function = new Function(saved, kind, body.variadic());
        pushBlock();
        Set<String> seen = new HashSet<>(implicitParams);
        function.blocks.peek().addAll(implicitParams);
        for (String p : body.params()) {
            if (!seen.add(p)) {
                diagnostics.error(body.span(), ErrorCode.DUPLICATE_PARAMETER, "duplicate parameter '" + p + "'");
            }
            declareLocal(p);
        }
        blockContents(body.body());
        function = saved;
    }

    private void handler(Block body, Kind kind) {
        Function saved = function;
        function = new Function(saved, kind, false);
        pushBlock();
        blockContents(body);
        function = saved;
    }

    /** The statements of {@code block} in the current (already pushed) scope. */
    private void blockContents(Block block) {
        for (Stmt s : block.statements()) {
            s.accept(statements);
        }
    }

    private void block(Block block) {
        pushBlock();
        blockContents(block);
        popBlock();
    }

    private void loopBody(Block body) {
        function.loops++;
        block(body);
        function.loops--;
    }

    private void expressions(List<Expr> list) {
        for (Expr e : list) {
            e.accept(expressions);
        }
    }

    private void target(Expr target) {
        if (target instanceof Expr.Name n) {
            write(n.span(), n.name());
        } else if (target instanceof Expr.Index index) {
            if (index.target() instanceof Expr.Name lib && isLibrary(lib.name()) && !isLocalOrUpvalue(lib.name())) {
                diagnostics.error(index.span(), ErrorCode.LIBRARY_NOT_A_VALUE,
                        "cannot assign into library '" + lib.name() + "'");
                return;
            }
            index.target().accept(expressions);
            index.key().accept(expressions);
        } else {
            target.accept(expressions);
        }
    }

    private void probeBlock(Span span, String what) {
        if (!atTopLevel()) {
            diagnostics.error(span, ErrorCode.PROBE_NOT_AT_TOP_LEVEL,
                    what + " blocks must be at the top level of the script, not inside a function or block");
        }
    }

    private void eventVariable(Span span, String name) {
        if (function.kind == Kind.MAIN) {
            diagnostics.error(span, ErrorCode.NO_EVENT_HERE,
                    "'" + name + "' is only available while handling an event (in a trace block or a function)");
        } else if (function.kind == Kind.END_HANDLER) {
            diagnostics.error(span, ErrorCode.NO_EVENT_HERE, "'" + name + "' is not available in trace_end: there is no event");
        }
    }

    // ------------------------------------------------------------------ statements

    private final Stmt.Visitor<Void> statements = new Stmt.Visitor<>() {
        @Override
        public Void visitVar(Stmt.Var s) {
            expressions(s.values());
            boolean global = atTopLevel();
            for (String name : s.names()) {
                if (global) {
                    if (!reservedGlobal(s.span(), name, "declare")) {
                        globals.add(name);
                    }
                } else {
                    declareLocal(name);
                }
            }
            return null;
        }

        @Override
        public Void visitAssign(Stmt.Assign s) {
            Builtin aggregation = s.targets().size() == 1 && s.values().size() == 1
                    ? AggregationNames.called(s.values().get(0), shadowedAggregations) : null;
            if (aggregation != null) {
                aggregationCall((Expr.Call) s.values().get(0), aggregation);
                target(s.targets().get(0));
                return null;
            }
            expressions(s.values());
            for (Expr t : s.targets()) {
                target(t);
            }
            return null;
        }

        @Override
        public Void visitCompoundAssign(Stmt.CompoundAssign s) {
            s.value().accept(expressions);
            target(s.target());
            return null;
        }

        @Override
        public Void visitExprStmt(Stmt.ExprStmt s) {
            s.call().accept(expressions);
            return null;
        }

        @Override
        public Void visitDo(Stmt.Do s) {
            block(s.body());
            return null;
        }

        @Override
        public Void visitIf(Stmt.If s) {
            for (Stmt.If.Arm arm : s.arms()) {
                arm.condition().accept(expressions);
                block(arm.body());
            }
            if (s.orElse() != null) {
                block(s.orElse());
            }
            return null;
        }

        @Override
        public Void visitWhile(Stmt.While s) {
            s.condition().accept(expressions);
            loopBody(s.body());
            return null;
        }

        @Override
        public Void visitRepeat(Stmt.Repeat s) {
            // The condition sees the body's locals.
            function.loops++;
            pushBlock();
            blockContents(s.body());
            function.loops--;
            s.condition().accept(expressions);
            popBlock();
            return null;
        }

        @Override
        public Void visitNumericFor(Stmt.NumericFor s) {
            s.start().accept(expressions);
            s.limit().accept(expressions);
            if (s.step() != null) {
                s.step().accept(expressions);
            }
            pushBlock();
            declareLocal(s.var());
            loopBody(s.body());
            popBlock();
            return null;
        }

        @Override
        public Void visitCFor(Stmt.CFor s) {
            s.init().accept(expressions);
            pushBlock();
            declareLocal(s.var());
            s.condition().accept(expressions);
            s.update().accept(this);
            loopBody(s.body());
            popBlock();
            return null;
        }

        @Override
        public Void visitForIn(Stmt.ForIn s) {
            expressions(s.iterators());
            pushBlock();
            for (String name : s.names()) {
                declareLocal(name);
            }
            loopBody(s.body());
            popBlock();
            return null;
        }

        @Override
        public Void visitFunctionDecl(Stmt.FunctionDecl s) {
            String first = s.path().get(0);
            if (s.path().size() == 1 && s.method() == null) {
                if (!isLocalOrUpvalue(first) && !reservedGlobal(s.span(), first, "define function")) {
                    globals.add(first);
                }
            } else if (isLibrary(first) && !isLocalOrUpvalue(first)) {
                diagnostics.error(s.span(), ErrorCode.LIBRARY_NOT_A_VALUE, "cannot add functions to library '" + first + "'");
            } else {
                read(s.span(), first);
            }
            function(s.function(), Kind.FUNCTION, s.method() == null ? List.of() : List.of("self"));
            return null;
        }

        @Override
        public Void visitReturn(Stmt.Return s) {
            expressions(s.values());
            if (!s.values().isEmpty() && function.kind != Kind.FUNCTION) {
                diagnostics.warning(s.span(), ErrorCode.RETURN_VALUE_IGNORED, function.kind == Kind.MAIN
                        ? "the values returned from the main script are ignored"
                        : "the values returned from a probe handler are ignored");
            }
            return null;
        }

        @Override
        public Void visitBreak(Stmt.Break s) {
            if (function.loops == 0) {
                diagnostics.error(s.span(), ErrorCode.BREAK_OUTSIDE_LOOP, "'break' outside a loop");
            }
            return null;
        }

        @Override
        public Void visitTrace(Stmt.Trace s) {
            probeBlock(s.span(), s.probes().get(0) instanceof io.ktap.ast.Probe.Timer t ? t.kind().keyword() : "trace");
            handler(s.body(), Kind.HANDLER);
            return null;
        }

        @Override
        public Void visitTraceEnd(Stmt.TraceEnd s) {
            probeBlock(s.span(), "trace_end");
            handler(s.body(), Kind.END_HANDLER);
            return null;
        }
    };

    // ------------------------------------------------------------------ expressions

    private final Expr.Visitor<Void> expressions = new Expr.Visitor<>() {
        @Override
        public Void visitNil(Expr.Nil e) {
            return null;
        }

        @Override
        public Void visitBool(Expr.Bool e) {
            return null;
        }

        @Override
        public Void visitInt(Expr.Int e) {
            return null;
        }

        @Override
        public Void visitStr(Expr.Str e) {
            return null;
        }

        @Override
        public Void visitVararg(Expr.Vararg e) {
            if (!function.variadic) {
                diagnostics.error(e.span(), ErrorCode.VARARG_OUTSIDE_VARIADIC,
                        "'...' outside a variadic function (declare one with function f(...))");
            }
            return null;
        }

        @Override
        public Void visitName(Expr.Name e) {
            read(e.span(), e.name());
            return null;
        }

        @Override
        public Void visitIndex(Expr.Index e) {
            if (library(e) == null) {
                e.target().accept(this);
                e.key().accept(this);
            }
            return null;
        }

        @Override
        public Void visitCall(Expr.Call e) {
            Expr callee = e.callee();
            Builtin aggregation = AggregationNames.called(e, shadowedAggregations);
            if (aggregation != null) {
                // target = agg(...) does not come here (visitAssign).
                String f = aggregation.functionName();
                diagnostics.error(e.span(), ErrorCode.AGGREGATION_MISPLACED, "'" + f + "()' is an aggregation: it can only"
                        + " be the whole right side of an assignment to one variable or table slot, as in 'x = " + f
                        + "(...)' or 't[k] = " + f + "(...)'");
            } else if (callee instanceof Expr.Name n && !isLocalOrUpvalue(n.name()) && Builtin.byName(n.name()).isPresent()) {
                checkArity(e, Builtin.byName(n.name()).get(), n.name());
            } else {
                LibraryRef ref = library(callee);
                if (ref == null) {
                    callee.accept(this);
                } else if (ref.builtin() != null) {
                    checkArity(e, ref.builtin(), ref.spelling());
                }
            }
            expressions(e.args());
            return null;
        }

        @Override
        public Void visitMethodCall(Expr.MethodCall e) {
            e.receiver().accept(this);
            expressions(e.args());
            return null;
        }

        @Override
        public Void visitFunction(Expr.Function e) {
            function(e.body(), Kind.FUNCTION, List.of());
            return null;
        }

        @Override
        public Void visitTable(Expr.Table e) {
            for (TableField f : e.fields()) {
                if (f instanceof TableField.Keyed k) {
                    k.key().accept(this);
                    k.value().accept(this);
                } else if (f instanceof TableField.Positional p) {
                    p.value().accept(this);
                }
            }
            return null;
        }

        @Override
        public Void visitBinary(Expr.Binary e) {
            e.left().accept(this);
            e.right().accept(this);
            return null;
        }

        @Override
        public Void visitUnary(Expr.Unary e) {
            e.operand().accept(this);
            return null;
        }

        @Override
        public Void visitEventArg(Expr.EventArg e) {
            eventVariable(e.span(), "arg" + e.index());
            return null;
        }

        @Override
        public Void visitEventVar(Expr.EventVar e) {
            eventVariable(e.span(), e.kind().keyword());
            return null;
        }
    };
}
