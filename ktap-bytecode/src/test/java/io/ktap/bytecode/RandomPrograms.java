package io.ktap.bytecode;

import io.ktap.ast.BinOp;
import io.ktap.ast.Block;
import io.ktap.ast.Expr;
import io.ktap.ast.FunctionBody;
import io.ktap.ast.Probe;
import io.ktap.ast.Program;
import io.ktap.ast.Span;
import io.ktap.ast.Stmt;
import io.ktap.ast.TableField;
import io.ktap.ast.UnOp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random programs that compile: every name read is declared, {@code ...} appears only in variadic
 * functions, event access only where an event can exist. Driven by a seed so that jqwik reports a
 * reproducible failing seed.
 */
final class RandomPrograms {

    private static final String[] GLOBALS = {"g0", "g1", "g2", "t"};
    private static final BinOp[] ARITH = {BinOp.ADD, BinOp.SUB, BinOp.MUL, BinOp.DIV, BinOp.MOD, BinOp.POW};
    private static final BinOp[] OTHER = {BinOp.LT, BinOp.LE, BinOp.GT, BinOp.GE, BinOp.EQ, BinOp.NE, BinOp.AND,
            BinOp.OR, BinOp.CONCAT};

    private final Random random;
    private final List<List<String>> scopes = new ArrayList<>();
    private int fresh;
    private boolean inEvent;
    private boolean variadic;
    private int loops;
    private int line = 1;
    private boolean mainTop;

    private RandomPrograms(long seed) {
        this.random = new Random(seed);
    }

    static Program generate(long seed) {
        return new RandomPrograms(seed).program();
    }

    private Span span() {
        return new Span("r.kp", line, 1, line, 2);
    }

    private Program program() {
        List<Stmt> top = new ArrayList<>();
        top.add(new Stmt.Var(span(), List.of("g0", "g1", "g2"), List.of(integer(), str(), expr(1))));
        top.add(new Stmt.Var(span(), List.of("t"), List.of(new Expr.Table(span(), List.of()))));
        top.add(new Stmt.FunctionDecl(span(), List.of("f"), null, function(List.of("a", "b"), false)));
        top.add(new Stmt.FunctionDecl(span(), List.of("v"), null, function(List.of("x"), true)));
        scopes.clear();
        scopes.add(new ArrayList<>());
        for (int i = random.nextInt(3); i >= 0; i--) {
            mainTop = true;
            top.add(statement(2));
        }
        mainTop = false;
        int handlers = 1 + random.nextInt(3);
        for (int i = 0; i < handlers; i++) {
            inEvent = true;
            Block body = block(2);
            inEvent = false;
            List<Probe> probes = new ArrayList<>();
            probes.add(new Probe.Tracepoint(span(), "sub" + i, random.nextBoolean() ? "ev*" : "ev"));
            if (random.nextBoolean()) {
                probes.add(new Probe.Kprobe(span(), "do_sys_open", 0, random.nextBoolean(),
                        List.of(new Probe.FetchArg("fd", "%di"))));
            }
            top.add(new Stmt.Trace(span(), probes, random.nextBoolean() ? "pid==1" : null, body));
        }
        if (random.nextBoolean()) {
            inEvent = true;
            top.add(new Stmt.Trace(span(), List.of(new Probe.Timer(span(), Probe.Timer.Kind.TICK,
                    Duration.ofMillis(1 + random.nextInt(1000)))), null, block(1)));
            inEvent = false;
        }
        top.add(new Stmt.TraceEnd(span(), block(2)));
        return new Program(span(), new Block(span(), top));
    }

    private FunctionBody function(List<String> params, boolean isVariadic) {
        List<List<String>> savedScopes = new ArrayList<>(scopes);
        boolean savedVariadic = variadic;
        boolean savedEvent = inEvent;
        int savedLoops = loops;
        boolean savedTop = mainTop;
        mainTop = false;
        scopes.clear();
        scopes.add(new ArrayList<>(params));
        variadic = isVariadic;
        inEvent = true; // a function may run inside a handler
        loops = 0;
        List<Stmt> body = new ArrayList<>();
        for (int i = random.nextInt(4); i >= 0; i--) {
            body.add(statement(2));
        }
        body.add(new Stmt.Return(span(), random.nextBoolean() ? List.of(expr(2))
                : random.nextBoolean() ? List.of(call(2)) : List.of()));
        scopes.clear();
        scopes.addAll(savedScopes);
        variadic = savedVariadic;
        inEvent = savedEvent;
        loops = savedLoops;
        mainTop = savedTop;
        return new FunctionBody(span(), params, isVariadic, new Block(span(), body));
    }

    private Block block(int depth) {
        boolean savedTop = mainTop;
        mainTop = false;
        scopes.add(new ArrayList<>());
        List<Stmt> stmts = new ArrayList<>();
        for (int i = random.nextInt(4); i >= 0; i--) {
            stmts.add(statement(depth));
        }
        scopes.remove(scopes.size() - 1);
        mainTop = savedTop;
        return new Block(span(), stmts);
    }

    private List<String> visibleLocals() {
        List<String> all = new ArrayList<>();
        scopes.forEach(all::addAll);
        return all;
    }

    private Stmt statement(int depth) {
        line++;
        int choice = random.nextInt(depth <= 0 ? 5 : 14);
        switch (choice) {
            case 0 -> {
                String n = "l" + fresh++;
                Stmt s = new Stmt.Var(span(), List.of(n), random.nextBoolean() ? List.of(expr(depth)) : List.of());
                if (!atMainTopLevel()) {
                    scopes.get(scopes.size() - 1).add(n);
                }
                return s;
            }
            case 1 -> {
                return new Stmt.Assign(span(), List.of(target()), List.of(expr(depth)));
            }
            case 2 -> {
                return new Stmt.CompoundAssign(span(), new Expr.Index(span(), new Expr.Name(span(), "t"), expr(depth)),
                        random.nextBoolean() ? BinOp.ADD : BinOp.SUB, integer());
            }
            case 3 -> {
                return new Stmt.ExprStmt(span(), new Expr.Call(span(), new Expr.Name(span(), "print"), args(depth)));
            }
            case 4 -> {
                return new Stmt.ExprStmt(span(), call(depth));
            }
            case 5 -> {
                List<Stmt.If.Arm> arms = new ArrayList<>();
                for (int i = random.nextInt(2); i >= 0; i--) {
                    arms.add(new Stmt.If.Arm(expr(depth - 1), block(depth - 1)));
                }
                return new Stmt.If(span(), arms, random.nextBoolean() ? block(depth - 1) : null);
            }
            case 6 -> {
                return new Stmt.While(span(), expr(depth - 1), loopBody(depth));
            }
            case 7 -> {
                return new Stmt.Repeat(span(), loopBody(depth), expr(depth - 1));
            }
            case 8 -> {
                String v = "i" + fresh++;
                scopes.add(new ArrayList<>(List.of(v)));
                Block body = loopBody(depth);
                scopes.remove(scopes.size() - 1);
                return new Stmt.NumericFor(span(), v, integer(), integer(), random.nextBoolean() ? integer() : null, body);
            }
            case 9 -> {
                String v = "c" + fresh++;
                Expr init = integer();
                scopes.add(new ArrayList<>(List.of(v)));
                Expr cond = new Expr.Binary(span(), BinOp.LT, new Expr.Name(span(), v), integer());
                Stmt update = new Stmt.CompoundAssign(span(), new Expr.Name(span(), v), BinOp.ADD, integer());
                Block body = loopBody(depth);
                scopes.remove(scopes.size() - 1);
                return new Stmt.CFor(span(), v, init, cond, update, body);
            }
            case 10 -> {
                String k = "k" + fresh++;
                String val = "w" + fresh++;
                scopes.add(new ArrayList<>(List.of(k, val)));
                Block body = loopBody(depth);
                scopes.remove(scopes.size() - 1);
                Expr it = random.nextInt(4) == 0
                        ? new Expr.Name(span(), "f")
                        : new Expr.Call(span(), new Expr.Name(span(), "pairs"), List.of(new Expr.Name(span(), "t")));
                return new Stmt.ForIn(span(), List.of(k, val), List.of(it), body);
            }
            case 11 -> {
                return new Stmt.Do(span(), block(depth - 1));
            }
            case 12 -> {
                List<Expr> targets = List.of(target(), target());
                return new Stmt.Assign(span(), targets, random.nextBoolean() ? List.of(call(depth)) : List.of(expr(depth), expr(depth)));
            }
            default -> {
                if (loops > 0 && random.nextBoolean()) {
                    return new Stmt.Break(span());
                }
                return new Stmt.Assign(span(), List.of(new Expr.Name(span(), "g0")),
                        List.of(new Expr.Function(span(), function(List.of("p"), random.nextBoolean()))));
            }
        }
    }

    /** Whether a var declared now would be a global (the main chunk's top level). */
    private boolean atMainTopLevel() {
        return mainTop;
    }

    private Block loopBody(int depth) {
        loops++;
        Block b = block(depth - 1);
        loops--;
        return b;
    }

    private Expr target() {
        List<String> locals = visibleLocals();
        if (!locals.isEmpty() && random.nextBoolean()) {
            return new Expr.Name(span(), locals.get(random.nextInt(locals.size())));
        }
        if (random.nextBoolean()) {
            return new Expr.Index(span(), new Expr.Name(span(), "t"), random.nextBoolean() ? str() : integer());
        }
        return new Expr.Name(span(), GLOBALS[random.nextInt(3)]);
    }

    private Expr integer() {
        return new Expr.Int(span(), switch (random.nextInt(4)) {
            case 0 -> random.nextInt(10);
            case 1 -> random.nextLong();
            case 2 -> -random.nextInt(40_000);
            default -> random.nextInt(100_000);
        });
    }

    private Expr str() {
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(6); i > 0; i--) {
            sb.append((char) random.nextInt(256));
        }
        return new Expr.Str(span(), sb.toString());
    }

    private List<Expr> args(int depth) {
        List<Expr> args = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            args.add(expr(depth - 1));
        }
        if (variadic && random.nextInt(3) == 0) {
            args.add(new Expr.Vararg(span()));
        }
        return args;
    }

    private Expr call(int depth) {
        return switch (random.nextInt(4)) {
            case 0 -> new Expr.Call(span(), new Expr.Name(span(), "v"), args(depth));
            case 1 -> new Expr.MethodCall(span(), new Expr.Name(span(), "t"), "m", args(depth));
            case 2 -> new Expr.Call(span(), new Expr.Index(span(), new Expr.Name(span(), "table"), new Expr.Str(span(), "new")),
                    List.of(integer(), integer()));
            default -> new Expr.Call(span(), new Expr.Name(span(), "f"), args(depth));
        };
    }

    private Expr expr(int depth) {
        int choice = random.nextInt(depth <= 0 ? 6 : 16);
        switch (choice) {
            case 0 -> {
                return integer();
            }
            case 1 -> {
                return str();
            }
            case 2 -> {
                return random.nextBoolean() ? new Expr.Bool(span(), random.nextBoolean()) : new Expr.Nil(span());
            }
            case 3, 4 -> {
                List<String> locals = visibleLocals();
                if (!locals.isEmpty() && random.nextBoolean()) {
                    return new Expr.Name(span(), locals.get(random.nextInt(locals.size())));
                }
                return new Expr.Name(span(), GLOBALS[random.nextInt(GLOBALS.length)]);
            }
            case 5 -> {
                if (inEvent) {
                    return random.nextBoolean() ? new Expr.EventArg(span(), 1 + random.nextInt(9))
                            : new Expr.EventVar(span(), random.nextBoolean() ? Expr.EventVar.Kind.ARGNAME : Expr.EventVar.Kind.ARGEVENT);
                }
                return new Expr.Name(span(), "pid");
            }
            case 6, 7 -> {
                return new Expr.Binary(span(), ARITH[random.nextInt(ARITH.length)], expr(depth - 1), expr(depth - 1));
            }
            case 8, 9 -> {
                return new Expr.Binary(span(), OTHER[random.nextInt(OTHER.length)], expr(depth - 1), expr(depth - 1));
            }
            case 10 -> {
                return new Expr.Unary(span(), random.nextBoolean() ? UnOp.NEG : UnOp.NOT, expr(depth - 1));
            }
            case 11 -> {
                return new Expr.Index(span(), new Expr.Name(span(), "t"), expr(depth - 1));
            }
            case 12 -> {
                return call(depth);
            }
            case 13 -> {
                List<TableField> fields = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    fields.add(random.nextBoolean() ? new TableField.Positional(span(), expr(depth - 1))
                            : new TableField.Keyed(span(), random.nextBoolean() ? str() : integer(), expr(depth - 1)));
                }
                if (random.nextBoolean()) {
                    fields.add(new TableField.Positional(span(), call(depth - 1)));
                }
                return new Expr.Table(span(), fields);
            }
            case 14 -> {
                return new Expr.Function(span(), function(List.of("q"), random.nextBoolean()));
            }
            default -> {
                if (variadic) {
                    return new Expr.Vararg(span());
                }
                return new Expr.Call(span(), new Expr.Name(span(), "len"), List.of(new Expr.Name(span(), "t")));
            }
        }
    }
}
