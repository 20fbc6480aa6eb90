package io.ktap.ast.arbitrary;

import io.ktap.ast.BinOp;
import io.ktap.ast.Block;
import io.ktap.ast.Builtin;
import io.ktap.ast.Expr;
import io.ktap.ast.FunctionBody;
import io.ktap.ast.Probe;
import io.ktap.ast.Program;
import io.ktap.ast.Span;
import io.ktap.ast.Stmt;
import io.ktap.ast.TableField;
import io.ktap.ast.UnOp;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds one random, well-formed AST from a {@link Choices} sequence: every record invariant
 * holds, every name is declared before it is read (globals at the top level, locals in their
 * block, parameters, loop variables, upvalues of enclosing functions), {@code ...} appears only in
 * variadic functions, {@code break} only in loops, {@code return} only last in a function body,
 * event variables only in trace handlers and functions, probe blocks only at the top level,
 * builtins called with an accepted number of arguments, and every probe and filter has a text
 * form. Such a program compiles without errors, and printing it gives text that parses back to it.
 */
final class AstGenerator {

    private static final Span S = Span.NONE;

    private final Choices c;
    private final Deque<Frame> frames = new ArrayDeque<>();
    private final List<String> globals = new ArrayList<>();
    private Frame main;
    private int fresh;

    /** One function being generated: its blocks of locals and what it allows. */
    private static final class Frame {
        final Deque<List<String>> blocks = new ArrayDeque<>();
        final boolean variadic;
        final boolean events;
        int loops;

        Frame(boolean variadic, boolean events) {
            this.variadic = variadic;
            this.events = events;
            blocks.push(new ArrayList<>());
        }
    }

    AstGenerator(Choices choices) {
        this.c = choices;
    }

    // ---------------------------------------------------------------- entry points

    /** A whole program of up to {@code size} top-level statements. */
    Program program(int size) {
        main = new Frame(false, false); // the main chunk
        frames.push(main);
        List<Stmt> statements = new ArrayList<>();
        int n = c.between(0, size);
        for (int i = 0; i < n && !c.exhausted(); i++) {
            statements.add(topLevel());
        }
        return new Program(S, new Block(S, statements));
    }

    /** A closed expression (no free names), as in a trace handler. */
    Expr expression(int depth) {
        frames.push(new Frame(false, true));
        return expr(depth);
    }

    /** A statement valid in a trace handler that declares nothing outside it. */
    Stmt statement(int depth) {
        frames.push(new Frame(false, true));
        return stmt(depth, false);
    }

    /** Any probe with a text form. */
    Probe probe() {
        return anyProbe(true);
    }

    // ---------------------------------------------------------------- names and scopes

    private Frame frame() {
        return frames.peek();
    }

    private String freshName(String prefix) {
        return prefix + fresh++;
    }

    private void declareLocal(String name) {
        frame().blocks.peek().add(name);
    }

    private List<String> visible() {
        List<String> names = new ArrayList<>(globals);
        for (Frame f : frames) {
            for (List<String> b : f.blocks) {
                names.addAll(b);
            }
        }
        return names;
    }

    /** At the top level of the main chunk, where {@code var} declares globals. */
    private boolean atTopLevel() {
        return frame() == main && main.blocks.size() == 1;
    }

    private Block block(int depth, boolean inFunction) {
        frame().blocks.push(new ArrayList<>());
        Block b = statements(depth, inFunction);
        frame().blocks.pop();
        return b;
    }

    /** The statements of the current block; a function body may end in {@code return}. */
    private Block statements(int depth, boolean functionBody) {
        List<Stmt> list = new ArrayList<>();
        int n = depth <= 0 ? c.between(0, 1) : c.between(0, 3);
        for (int i = 0; i < n && !c.exhausted(); i++) {
            list.add(stmt(depth - 1, false));
        }
        if (functionBody && c.oneIn(2)) {
            list.add(new Stmt.Return(S, exprs(depth - 1, 0, 2)));
        }
        return new Block(S, list);
    }

    private FunctionBody function(int depth, List<String> implicitParams) {
        int n = c.between(0, 3);
        List<String> params = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            params.add(freshName("p"));
        }
        boolean variadic = c.oneIn(3);
        Frame f = new Frame(variadic, true);
        f.blocks.peek().addAll(implicitParams);
        f.blocks.peek().addAll(params);
        frames.push(f);
        Block body = statements(depth, true);
        frames.pop();
        return new FunctionBody(S, params, variadic, body);
    }

    // ---------------------------------------------------------------- top level

    private Stmt topLevel() {
        switch (c.choose(8)) {
            case 0: {
                List<String> names = new ArrayList<>();
                int n = c.between(1, 2);
                List<Expr> values = exprs(2, 0, n);
                for (int i = 0; i < n; i++) {
                    // tick and profile start timers only before '-N': elsewhere they are names
                    String special = c.oneIn(8) ? c.pick(List.of("tick", "profile")) : null;
                    names.add(special != null && !globals.contains(special) && !names.contains(special)
                            ? special : freshName("g"));
                }
                globals.addAll(names);
                return new Stmt.Var(S, names, values);
            }
            case 1: {
                String name = freshName("f");
                globals.add(name); // visible in its own body: recursion
                return new Stmt.FunctionDecl(S, List.of(name), null, function(2, List.of()));
            }
            case 2:
                return trace();
            case 3:
                return timer();
            case 4: {
                frames.push(new Frame(false, false));
                Block body = statements(2, false);
                frames.pop();
                return new Stmt.TraceEnd(S, body);
            }
            case 5: {
                // the early style: a top-level assignment to a new name declares a global
                String name = freshName("g");
                Expr value = expr(2);
                globals.add(name);
                return new Stmt.Assign(S, List.of(new Expr.Name(S, name)), List.of(value));
            }
            default:
                return stmt(2, false);
        }
    }

    private Stmt trace() {
        List<Probe> probes = new ArrayList<>();
        int n = c.between(1, 3);
        for (int i = 0; i < n; i++) {
            probes.add(anyProbe(false));
        }
        String filter = c.oneIn(3) && probes.stream().noneMatch(Stmt.Trace::isCounter) ? c.pick(FILTERS) : null;
        frames.push(new Frame(false, true));
        Block body = statements(3, false);
        frames.pop();
        return new Stmt.Trace(S, probes, filter, body);
    }

    private Stmt timer() {
        frames.push(new Frame(false, true));
        Block body = statements(2, false);
        frames.pop();
        return new Stmt.Trace(S, List.of(timerProbe()), null, body);
    }

    // ---------------------------------------------------------------- statements

    private Stmt stmt(int depth, boolean unused) {
        int kinds = depth <= 0 ? 4 : 14;
        switch (c.choose(kinds)) {
            case 0:
                return new Stmt.ExprStmt(S, callish(depth));
            case 1: {
                List<Expr> values = exprs(depth, 0, 2);
                List<String> names = new ArrayList<>();
                int n = c.between(1, 2);
                boolean global = atTopLevel();
                for (int i = 0; i < n; i++) {
                    names.add(freshName(global ? "g" : "l"));
                }
                if (global) {
                    globals.addAll(names);
                } else {
                    names.forEach(this::declareLocal);
                }
                return new Stmt.Var(S, names, values);
            }
            case 2: {
                if (c.oneIn(4)) {
                    return new Stmt.Assign(S, List.of(target(depth)), List.of(aggregation(depth)));
                }
                int n = c.between(1, 2);
                List<Expr> targets = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    targets.add(target(depth));
                }
                return new Stmt.Assign(S, targets, exprs(depth, 1, 2));
            }
            case 3:
                return new Stmt.CompoundAssign(S, target(depth), c.pick(COMPOUND), expr(depth));
            case 4:
                return new Stmt.Do(S, block(depth, false));
            case 5: {
                List<Stmt.If.Arm> arms = new ArrayList<>();
                int n = c.between(1, 3);
                for (int i = 0; i < n; i++) {
                    arms.add(new Stmt.If.Arm(expr(depth), block(depth, false)));
                }
                return new Stmt.If(S, arms, c.oneIn(2) ? block(depth, false) : null);
            }
            case 6: {
                Expr cond = expr(depth);
                return new Stmt.While(S, cond, loopBody(depth, List.of()));
            }
            case 7: {
                Block body = loopBody(depth, List.of());
                return new Stmt.Repeat(S, body, expr(depth));
            }
            case 8: {
                Expr start = expr(depth);
                Expr limit = expr(depth);
                Expr step = c.oneIn(2) ? expr(depth) : null;
                String var = freshName("i");
                return new Stmt.NumericFor(S, var, start, limit, step, loopBody(depth, List.of(var)));
            }
            case 9: {
                Expr init = expr(depth);
                String var = freshName("i");
                frame().blocks.push(new ArrayList<>(List.of(var)));
                Expr cond = expr(depth);
                Stmt update = c.oneIn(3) ? new Stmt.ExprStmt(S, callish(depth))
                        : new Stmt.CompoundAssign(S, new Expr.Name(S, var), c.pick(COMPOUND), expr(depth));
                frame().blocks.pop();
                return new Stmt.CFor(S, var, init, cond, update, loopBody(depth, List.of(var)));
            }
            case 10: {
                Expr iterator = new Expr.Call(S, new Expr.Name(S, "pairs"), List.of(expr(depth)));
                List<String> names = new ArrayList<>(List.of(freshName("k")));
                if (c.oneIn(2)) {
                    names.add(freshName("v"));
                }
                return new Stmt.ForIn(S, names, List.of(iterator), loopBody(depth, names));
            }
            case 11: {
                if (frame().loops > 0 && c.oneIn(2)) {
                    return new Stmt.Break(S);
                }
                return new Stmt.ExprStmt(S, callish(depth));
            }
            case 12: {
                // function t.k(...) / function t.k:m(...) on a visible table
                List<String> names = visible();
                if (names.isEmpty()) {
                    return new Stmt.ExprStmt(S, callish(depth));
                }
                List<String> path = new ArrayList<>(List.of(c.pick(names)));
                int n = c.between(0, 2);
                for (int i = 0; i < n; i++) {
                    path.add(c.pick(FIELDS));
                }
                String method = c.oneIn(2) || path.size() == 1 ? c.pick(FIELDS) : null;
                FunctionBody body = function(depth, method == null ? List.of() : List.of("self"));
                return new Stmt.FunctionDecl(S, path, method, body);
            }
            default:
                return new Stmt.ExprStmt(S, callish(depth));
        }
    }

    private Block loopBody(int depth, List<String> vars) {
        frame().loops++;
        frame().blocks.push(new ArrayList<>(vars));
        Block b = statements(depth, false);
        frame().blocks.pop();
        frame().loops--;
        return b;
    }

    /** An assignable expression: a visible name, or an index. */
    private Expr target(int depth) {
        List<String> names = visible();
        if (!names.isEmpty() && (depth <= 0 || c.oneIn(2))) {
            return new Expr.Name(S, c.pick(names));
        }
        return new Expr.Index(S, prefix(depth - 1), key(depth - 1));
    }

    // ---------------------------------------------------------------- expressions

    private List<Expr> exprs(int depth, int min, int max) {
        int n = c.between(min, max);
        List<Expr> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(expr(depth));
        }
        return list;
    }

    private Expr expr(int depth) {
        if (depth <= 0) {
            return leaf();
        }
        switch (c.choose(12)) {
            case 0:
            case 1:
            case 2:
                return leaf();
            case 3:
                return new Expr.Binary(S, c.pick(Arrays.asList(BinOp.values())), expr(depth - 1), expr(depth - 1));
            case 4:
                return new Expr.Unary(S, c.pick(Arrays.asList(UnOp.values())), expr(depth - 1));
            case 5:
                return new Expr.Index(S, prefix(depth - 1), key(depth - 1));
            case 6:
                return callish(depth);
            case 7:
                return new Expr.Function(S, function(depth - 1, List.of()));
            case 8: {
                List<TableField> fields = new ArrayList<>();
                int n = c.between(0, 3);
                for (int i = 0; i < n; i++) {
                    fields.add(c.oneIn(2) ? new TableField.Keyed(S, key(depth - 1), expr(depth - 1))
                            : new TableField.Positional(S, expr(depth - 1)));
                }
                return new Expr.Table(S, fields);
            }
            case 9:
                return new Expr.Binary(S, c.pick(List.of(BinOp.POW, BinOp.SUB, BinOp.CONCAT)), expr(depth - 1),
                        new Expr.Unary(S, UnOp.NEG, expr(depth - 1)));
            default:
                return new Expr.Binary(S, c.pick(Arrays.asList(BinOp.values())), leaf(), expr(depth - 1));
        }
    }

    /** A table key: never nil. */
    private Expr key(int depth) {
        switch (c.choose(4)) {
            case 0:
                return new Expr.Str(S, c.pick(KEYS));
            case 1:
                return new Expr.Int(S, c.between(-2, 10));
            case 2:
                return new Expr.Str(S, string());
            default:
                Expr e = expr(depth);
                return e instanceof Expr.Nil ? new Expr.Bool(S, true) : e;
        }
    }

    /** What may precede {@code [k]}, {@code .k} or call arguments without parentheses, or anything. */
    private Expr prefix(int depth) {
        List<String> names = visible();
        if (!names.isEmpty() && (depth <= 0 || c.choose(3) != 2)) {
            return new Expr.Name(S, c.pick(names));
        }
        return expr(depth);
    }

    /** A call of an aggregation function, for {@code target = agg(...)}: lhist with valid literal bounds. */
    private Expr aggregation(int depth) {
        Builtin b = c.pick(Arrays.stream(Builtin.values()).filter(Builtin::isAggregation).toList());
        List<Expr> args = new ArrayList<>();
        if (b.minArgs() > 0) {
            args.add(expr(depth - 1));
        }
        if (b == Builtin.LHIST) {
            long min = c.between(-3, 3) * 10L;
            long step = c.between(1, 5);
            args.add(new Expr.Int(S, min));
            args.add(new Expr.Int(S, min + step * c.between(1, 8)));
            args.add(new Expr.Int(S, step));
        }
        return new Expr.Call(S, new Expr.Name(S, b.functionName()), args);
    }

    /** A call or method call. */
    private Expr callish(int depth) {
        int d = depth - 1;
        switch (c.choose(6)) {
            case 0: {
                // Aggregations are valid only as the whole value of an assignment (see aggregation()).
                Builtin b = c.pick(Arrays.stream(Builtin.values()).filter(x -> !x.isAggregation()).toList());
                int max = b.maxArgs() == Builtin.VARIADIC ? b.minArgs() + 3 : b.maxArgs();
                List<Expr> args = exprs(d, b.minArgs(), max);
                Expr callee = b.library() == null ? new Expr.Name(S, b.functionName())
                        : new Expr.Index(S, new Expr.Name(S, b.library()), new Expr.Str(S, b.functionName()));
                return new Expr.Call(S, callee, args);
            }
            case 1: {
                List<String> names = visible();
                Expr callee = names.isEmpty() ? new Expr.Name(S, "print") : new Expr.Name(S, c.pick(names));
                return new Expr.Call(S, callee, exprs(d, 0, 3));
            }
            case 2:
                return new Expr.MethodCall(S, prefix(d), c.pick(FIELDS), exprs(d, 0, 2));
            case 3:
                return new Expr.Call(S, new Expr.Function(S, function(d, List.of())), exprs(d, 0, 2));
            case 4:
                return new Expr.Call(S, notABuiltin(prefix(d)), exprs(d, 0, 2));
            default:
                return new Expr.Call(S, notABuiltin(callishOrName(d)), exprs(d, 0, 1));
        }
    }

    /** Calls of builtins by name are checked for their argument count: keep those to case 0. */
    private static Expr notABuiltin(Expr callee) {
        return callee instanceof Expr.Name n && Builtin.byName(n.name()).isPresent() ? new Expr.Name(S, "print") : callee;
    }

    private Expr callishOrName(int depth) {
        return depth > 0 && c.oneIn(2) ? callish(depth) : prefix(0);
    }

    private Expr leaf() {
        Frame f = frame();
        switch (c.choose(f.events ? 11 : 9)) {
            case 0:
                return new Expr.Int(S, c.between(0, 9));
            case 1:
                return new Expr.Nil(S);
            case 2:
                return new Expr.Bool(S, c.oneIn(2));
            case 3:
                return new Expr.Int(S, integer());
            case 4:
                return new Expr.Str(S, string());
            case 5:
            case 6: {
                List<String> names = visible();
                return names.isEmpty() ? new Expr.Int(S, 1) : new Expr.Name(S, c.pick(names));
            }
            case 7:
                // a bare-word builtin (pid) or a builtin function as a value (print)
                return new Expr.Name(S, c.pick(BARE_BUILTINS));
            case 8:
                return f.variadic ? new Expr.Vararg(S) : new Expr.Str(S, "");
            case 9:
                return new Expr.EventArg(S, c.between(1, Expr.EventArg.MAX));
            default:
                return new Expr.EventVar(S, c.pick(Arrays.asList(Expr.EventVar.Kind.values())));
        }
    }

    private long integer() {
        switch (c.choose(5)) {
            case 0:
                return -c.between(1, 100);
            case 1:
                return c.pick(List.of(Long.MAX_VALUE, Long.MIN_VALUE, -1L, 0x7fffffffL, 0xffffffffL, 1L << 32));
            case 2:
                return c.between(0, 1 << 16);
            default:
                return c.anyLong();
        }
    }

    /** A byte string (chars 0..255), sometimes an identifier. */
    private String string() {
        if (c.oneIn(3)) {
            return c.pick(KEYS);
        }
        int n = c.between(0, 8);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) (c.oneIn(2) ? c.between(0x20, 0x7e) : c.choose(256)));
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- probes

    private Probe anyProbe(boolean timers) {
        switch (c.choose(timers ? 9 : 8)) {
            case 0:
                return new Probe.Tracepoint(S, glob(TP_SUBSYSTEMS), glob(TP_EVENTS));
            case 1:
            case 2: {
                boolean ret = c.oneIn(3);
                long offset = ret || c.choose(3) != 2 ? 0 : c.between(1, 4096);
                return new Probe.Kprobe(S, c.pick(SYMBOLS), offset, ret, fetchArgs(KPROBE_ARGS, ret, offset == 0, true));
            }
            case 3: {
                boolean ret = c.oneIn(3);
                boolean atAddress = c.oneIn(3);
                String symbol = atAddress ? null : c.pick(SYMBOLS);
                long offset = atAddress ? c.between(0, 1 << 16) * 16L : c.oneIn(3) ? c.between(1, 64) : 0;
                return new Probe.Uprobe(S, c.pick(PATHS), symbol, offset, ret, fetchArgs(UPROBE_ARGS, ret, false, false));
            }
            case 4:
                return new Probe.Sdt(S, c.pick(PATHS), glob(List.of("lll_futex_wake", "*", "setjmp", "mark?")));
            case 5:
                return new Probe.FtraceFunction(S);
            case 6:
                return perfProbe();
            case 7:
                return breakpointProbe();
            default:
                return timerProbe();
        }
    }

    private String glob(List<String> pool) {
        if (!c.oneIn(4)) {
            return c.pick(pool);
        }
        String chars = "abcdefghijklmnopqrstuvwxyz0123456789_*?";
        int n = c.between(1, 6);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(chars.charAt(c.choose(chars.length())));
        }
        String s = sb.toString();
        return RESERVED_SUBSYSTEMS.contains(s) ? s + "_x" : s;
    }

    private Probe.PerfEvent perfProbe() {
        Probe.PerfEvent.Counter counter = c.pick(List.of(Probe.PerfEvent.Counter.values()));
        switch (c.choose(3)) {
            case 0:
                return Probe.PerfEvent.of(S, counter);
            case 1:
                return new Probe.PerfEvent(S, counter, c.between(1, 10_000), true);
            default:
                long period = counter.isClock() ? Probe.PerfEvent.MIN_CLOCK_PERIOD + c.between(0, 1 << 20)
                        : c.oneIn(4) ? Long.MAX_VALUE : c.between(1, 1 << 20);
                return new Probe.PerfEvent(S, counter, period, false);
        }
    }

    private Probe.Breakpoint breakpointProbe() {
        Probe.Breakpoint.Access access = c.pick(List.of(Probe.Breakpoint.Access.values()));
        int length = access == Probe.Breakpoint.Access.X ? 8 : c.pick(List.of(1, 2, 4, 8));
        if (c.oneIn(2)) {
            return new Probe.Breakpoint(S, c.pick(SYMBOLS), c.oneIn(2) ? 0 : c.between(1, 4096), length, access);
        }
        return new Probe.Breakpoint(S, null, c.oneIn(4) ? c.anyLong() : c.between(0, 1 << 30) * 8L, length, access);
    }

    private Probe.Timer timerProbe() {
        long micros = switch (c.choose(4)) {
            case 0 -> c.between(1, 1000) * 1000L;
            case 1 -> c.between(1, 60) * 1_000_000L;
            case 2 -> c.between(1, 100_000);
            default -> 1L + (c.anyLong() & 0xffff_ffffL);
        };
        return new Probe.Timer(S, c.oneIn(2) ? Probe.Timer.Kind.PROFILE : Probe.Timer.Kind.TICK,
                Duration.ofNanos(micros * 1000));
    }

    private List<Probe.FetchArg> fetchArgs(List<String> pool, boolean ret, boolean entry, boolean kprobe) {
        int n = c.between(0, 3);
        List<Probe.FetchArg> args = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String fetch = c.pick(pool);
            if (fetch.contains("$retval") && !ret || fetch.contains("$arg") && !(kprobe && entry && !ret)) {
                fetch = "%di";
            }
            String name = c.pick(ARG_NAMES);
            if (used.add(name)) {
                args.add(new Probe.FetchArg(name, fetch));
            }
        }
        return args;
    }

    // ---------------------------------------------------------------- pools

    private static final List<BinOp> COMPOUND = List.of(BinOp.ADD, BinOp.SUB, BinOp.MUL, BinOp.DIV, BinOp.MOD,
            BinOp.POW, BinOp.CONCAT);
    private static final List<String> FIELDS = List.of("k", "name", "m", "count", "x1", "if", "arg1", "argstr");
    private static final List<String> KEYS = List.of("k", "name", "if", "arg1", "a b", "", "trace", "_x", "x1");
    private static final List<String> BARE_BUILTINS = List.of("pid", "tid", "uid", "cpu", "execname", "print",
            "len", "arg");
    private static final List<String> FILTERS = List.of("common_pid==1", "ip==mutex*",
            "prev_pid!=0 && next_pid>100", "comm==\"sh\"", "bytes_req >= 4096 || gfp_flags & 1");
    private static final Set<String> RESERVED_SUBSYSTEMS = Set.of("probe", "sdt", "ftrace", "tp", "perf", "mem");
    private static final List<String> TP_SUBSYSTEMS = List.of("sched", "syscalls", "*", "irq", "sys*", "kmem");
    private static final List<String> TP_EVENTS = List.of("sched_switch", "*", "sys_enter_*", "sys_exit_open",
            "kmalloc", "softirq_?ntry");
    private static final List<String> SYMBOLS = List.of("do_sys_open", "vfs_read", "malloc", "tcp_sendmsg",
            "do_sys_openat2.isra.0", "_start");
    private static final List<String> PATHS = List.of("/lib/libc.so.6", "/lib64/libc.so.6", "/usr/bin/bash",
            "/opt/app-1.2/bin/server", "/a");
    private static final List<String> ARG_NAMES = List.of("dfd", "fname", "flags", "mode", "size", "fd", "a0", "x");
    private static final List<String> KPROBE_ARGS = List.of("%di", "%si:u32", "%dx:x64", "$stack", "$stack2",
            "+4($stack)", "$comm", "+0(%si):string", "@jiffies", "@init_task+16", "$retval", "$arg2",
            "+u0(%di):ustring", "-8(+0(%bp)):s16", "%cx:b4@2/8", "+0(%di):x8[4]");
    private static final List<String> UPROBE_ARGS = List.of("%di", "%si:s64", "$stack", "$stack1", "$retval",
            "@0x601040", "@+0x1040:u32", "+0(%di):string", "$comm", "+8(%sp):x32[2]");
}
