package io.ktap.api;

import static io.ktap.api.Ktap.val;
import static io.ktap.api.Ktap.vals;

import io.ktap.ast.AstPrinter;
import io.ktap.ast.BinOp;
import io.ktap.ast.Block;
import io.ktap.ast.Builtin;
import io.ktap.ast.Expr;
import io.ktap.ast.FunctionBody;
import io.ktap.ast.Span;
import io.ktap.ast.Stmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The statements every block can hold, shared by a handler {@link Body} and the top level of a
 * {@link ProgramBuilder}. Each method appends one statement and returns this builder.
 *
 * <p>Values are {@link Expr}s or Java values converted by {@link Ktap#val(Object)}
 * ({@code 1} is {@code lit(1)}, {@code "x"} is the string literal {@code "x"}, {@code null} is
 * {@code nil}). Nested blocks are lambdas receiving a fresh {@link Body}:
 * <pre>{@code
 * h.when(gt(arg(2), 4096), b -> b.print("big read", execname()))
 *  .otherwise(b -> b.add(index(name("small"), execname()), 1))
 * }</pre>
 *
 * @param <S> the concrete builder, returned by every method so calls chain
 */
public abstract class Statements<S extends Statements<S>> {

    private final List<Stmt> statements = new ArrayList<>();

    Statements() {
    }

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    /** The statements so far, as a block. */
    Block toBlock() {
        return new Block(Span.NONE, statements);
    }

    /** Builds a nested block by running {@code body} against a fresh {@link Body}. */
    static Block build(Consumer<? super Body> body) {
        Objects.requireNonNull(body, "body");
        Body b = new Body();
        body.accept(b);
        return b.toBlock();
    }

    // ---------------------------------------------------------------- any statement

    /** Appends a statement built elsewhere (with the AST records or another builder). */
    public S stmt(Stmt statement) {
        statements.add(Objects.requireNonNull(statement, "statement"));
        return self();
    }

    // ---------------------------------------------------------------- declarations and assignment

    /** {@code var name}: declares a variable holding nil (at the top level, a global). */
    public S var(String name) {
        return stmt(new Stmt.Var(Span.NONE, List.of(Ktap.checkName(name, "variable")), List.of()));
    }

    /** {@code var name = value}: declares a variable (at the top level, a global). */
    public S var(String name, Object value) {
        return stmt(new Stmt.Var(Span.NONE, List.of(Ktap.checkName(name, "variable")), List.of(val(value))));
    }

    /** {@code var a, b = e1, e2}: several variables at once; values may be fewer than names. */
    public S var(List<String> names, Object... values) {
        names.forEach(n -> Ktap.checkName(n, "variable"));
        return stmt(new Stmt.Var(Span.NONE, names, vals(values)));
    }

    /** {@code name = value}. */
    public S set(String name, Object value) {
        return set(Ktap.name(name), value);
    }

    /** {@code target = value}, where the target is a {@link Ktap#name name} or an {@link Ktap#index index}. */
    public S set(Expr target, Object value) {
        return stmt(new Stmt.Assign(Span.NONE, List.of(target(target)), List.of(val(value))));
    }

    /**
     * {@code target = aggregation}: updates the aggregation in a variable or table slot, as in
     * {@code aggregate(index(name("s"), argname()), count())} for {@code s[argname] = count()}; the
     * same AST as {@link #set(Expr, Object)}.
     *
     * @throws IllegalArgumentException if {@code aggregation} is not a call of an aggregation function
     */
    public S aggregate(Expr target, Expr.Call aggregation) {
        if (!(aggregation.callee() instanceof Expr.Name n) || io.ktap.ast.Builtin.aggregation(n.name()).isEmpty()) {
            throw new IllegalArgumentException("not an aggregation call: " + aggregation);
        }
        return set(target, aggregation);
    }

    /** {@code t1, t2 = e1, e2}: a multiple assignment. */
    public S set(List<? extends Expr> targets, Object... values) {
        targets.forEach(Statements::target);
        return stmt(new Stmt.Assign(Span.NONE, List.copyOf(targets), vals(values)));
    }

    /** {@code target += value}; a nil table slot counts as 0, so {@code add(index(s, k), 1)} counts. */
    public S add(Expr target, Object value) {
        return update(target, BinOp.ADD, value);
    }

    /** {@code target -= value}. */
    public S subtract(Expr target, Object value) {
        return update(target, BinOp.SUB, value);
    }

    /** {@code target *= value}. */
    public S multiply(Expr target, Object value) {
        return update(target, BinOp.MUL, value);
    }

    /** {@code target /= value}. */
    public S divide(Expr target, Object value) {
        return update(target, BinOp.DIV, value);
    }

    /** {@code target %= value}. */
    public S remainder(Expr target, Object value) {
        return update(target, BinOp.MOD, value);
    }

    /** {@code target ..= value}: appends to a string. */
    public S append(Expr target, Object value) {
        return update(target, BinOp.CONCAT, value);
    }

    /** {@code target op= value} for any arithmetic operator or {@code ..}. */
    public S update(Expr target, BinOp op, Object value) {
        return stmt(new Stmt.CompoundAssign(Span.NONE, target(target), op, val(value)));
    }

    private static Expr target(Expr target) {
        Objects.requireNonNull(target, "target");
        if (!(target instanceof Expr.Name) && !(target instanceof Expr.Index)) {
            throw new IllegalArgumentException("cannot assign to " + AstPrinter.print(target)
                    + ": only a name or an index t[k] can be assigned");
        }
        return target;
    }

    // ---------------------------------------------------------------- calls

    /** A call evaluated for its effect: any {@link Expr.Call} or {@link Expr.MethodCall}. */
    public S eval(Expr call) {
        return stmt(new Stmt.ExprStmt(Span.NONE, call));
    }

    /** {@code builtin(args...)} as a statement, such as {@code call(Builtin.HISTOGRAM, name("s"))}. */
    public S call(Builtin builtin, Object... args) {
        return eval(Ktap.call(builtin, args));
    }

    /** {@code function(args...)} as a statement, calling a function of the script by name. */
    public S call(String function, Object... args) {
        return eval(Ktap.call(Ktap.name(function), args));
    }

    /** {@code print(values...)}: the values separated by tabs, then a newline. */
    public S print(Object... values) {
        return eval(Ktap.print(values));
    }

    /** {@code printf(format, args...)}: C-like formatted output. */
    public S printf(String format, Object... args) {
        return eval(Ktap.printf(format, args));
    }

    /**
     * {@code emit("Type", fields...)}: writes a typed record of the record class {@code type}, the
     * values in component order (see {@link Ktap#emit(Class, Object...)}).
     */
    public S emit(Class<? extends Record> type, Object... fields) {
        return eval(Ktap.emit(type, fields));
    }

    /** {@code emit("name", fields...)}: writes a typed record named {@code name} (see {@link Ktap#emit(String, Object...)}). */
    public S emit(String name, Object... fields) {
        return eval(Ktap.emit(name, fields));
    }

    /** {@code histogram(table)}: prints a table of counts as a histogram. */
    public S histogram(Object table) {
        return eval(Ktap.histogram(table));
    }

    /** {@code exit()}: stops tracing (the {@code trace_end} block still runs). */
    public S exit() {
        return eval(Ktap.exit());
    }

    // ---------------------------------------------------------------- control flow

    /** {@code { ... }}: a nested block with its own scope. */
    public S block(Consumer<? super Body> body) {
        return stmt(new Stmt.Do(Span.NONE, build(body)));
    }

    /**
     * {@code if (condition) { then }}. Follow it with {@link #elseWhen} and {@link #otherwise}
     * to add {@code elseif} and {@code else} arms.
     */
    public S when(Object condition, Consumer<? super Body> then) {
        return stmt(new Stmt.If(Span.NONE, List.of(new Stmt.If.Arm(val(condition), build(then))), null));
    }

    /** {@code elseif (condition) { then }}, added to the {@link #when} just before. */
    public S elseWhen(Object condition, Consumer<? super Body> then) {
        Stmt.If open = openIf("elseWhen");
        List<Stmt.If.Arm> arms = new ArrayList<>(open.arms());
        arms.add(new Stmt.If.Arm(val(condition), build(then)));
        statements.set(statements.size() - 1, new Stmt.If(Span.NONE, arms, null));
        return self();
    }

    /** {@code else { body }}, closing the {@link #when} just before. */
    public S otherwise(Consumer<? super Body> body) {
        Stmt.If open = openIf("otherwise");
        statements.set(statements.size() - 1, new Stmt.If(Span.NONE, open.arms(), build(body)));
        return self();
    }

    private Stmt.If openIf(String method) {
        if (!statements.isEmpty() && statements.get(statements.size() - 1) instanceof Stmt.If s && s.orElse() == null) {
            return s;
        }
        throw new IllegalStateException(method + "(...) must directly follow when(...) or elseWhen(...)");
    }

    /** {@code while (condition) { body }}. */
    public S whileLoop(Object condition, Consumer<? super Body> body) {
        return stmt(new Stmt.While(Span.NONE, val(condition), build(body)));
    }

    /** {@code repeat { body } until (condition)}; the condition sees the body's locals. */
    public S repeatUntil(Consumer<? super Body> body, Object condition) {
        return stmt(new Stmt.Repeat(Span.NONE, build(body), val(condition)));
    }

    /** {@code for (var = start, limit) { body }}: counts up by 1, the limit included. */
    public S forRange(String var, Object start, Object limit, Consumer<? super Body> body) {
        return stmt(new Stmt.NumericFor(Span.NONE, Ktap.checkName(var, "loop variable"), val(start), val(limit), null,
                build(body)));
    }

    /** {@code for (var = start, limit, step) { body }}. */
    public S forRange(String var, Object start, Object limit, Object step, Consumer<? super Body> body) {
        return stmt(new Stmt.NumericFor(Span.NONE, Ktap.checkName(var, "loop variable"), val(start), val(limit),
                val(step), build(body)));
    }

    /**
     * The C form {@code for (var = init; condition; update) { body }}; {@code update} adds exactly
     * one assignment or call, such as {@code u -> u.add(name("i"), 1)}.
     */
    public S forLoop(String var, Object init, Object condition, Consumer<? super Body> update,
                     Consumer<? super Body> body) {
        List<Stmt> updates = build(update).statements();
        if (updates.size() != 1) {
            throw new IllegalArgumentException("a for-loop update is exactly one statement, not " + updates.size());
        }
        return stmt(new Stmt.CFor(Span.NONE, Ktap.checkName(var, "loop variable"), val(init), val(condition),
                updates.get(0), build(body)));
    }

    /** {@code for (key, value in pairs(table)) { body }}: every entry of a table. */
    public S forPairs(String key, String value, Object table, Consumer<? super Body> body) {
        return forIn(List.of(key, value), List.of(Ktap.pairs(table)), body);
    }

    /** {@code for (names in iterators) { body }}: Lua's generic for. */
    public S forIn(List<String> names, List<?> iterators, Consumer<? super Body> body) {
        names.forEach(n -> Ktap.checkName(n, "loop variable"));
        return stmt(new Stmt.ForIn(Span.NONE, names, vals(iterators.toArray()), build(body)));
    }

    /** {@code break}: leaves the innermost loop. */
    public S breakLoop() {
        return stmt(new Stmt.Break(Span.NONE));
    }

    /** {@code return [values]}. */
    public S ret(Object... values) {
        return stmt(new Stmt.Return(Span.NONE, vals(values)));
    }

    // ---------------------------------------------------------------- functions

    /** {@code function name(params) { body }}: a named function, with its closures' upvalues. */
    public S function(String name, Params params, Consumer<? super Body> body) {
        return function(List.of(name), null, params, body);
    }

    /** {@code function name(p1, p2) { body }}. */
    public S function(String name, List<String> params, Consumer<? super Body> body) {
        return function(name, new Params(params, false), body);
    }

    /**
     * {@code function a.b.c(params) { }}, or with a {@code method} name {@code function a.b:m(params) { }}
     * (a method gets an implicit first parameter {@code self}).
     */
    public S function(List<String> path, String method, Params params, Consumer<? super Body> body) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("a function declaration needs a name");
        }
        Ktap.checkName(path.get(0), "function name");
        path.subList(1, path.size()).forEach(n -> Ktap.checkField(n, "field name"));
        if (method != null) {
            Ktap.checkField(method, "method name");
        }
        return stmt(new Stmt.FunctionDecl(Span.NONE, path, method,
                new FunctionBody(Span.NONE, params.names(), params.variadic(), build(body))));
    }
}
