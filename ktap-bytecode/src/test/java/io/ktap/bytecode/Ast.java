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
import java.util.Arrays;
import java.util.List;

/** Terse AST construction for tests; every node gets the span of the current line. */
final class Ast {

    private Ast() {
    }

    static Span line(int n) {
        return new Span("t.kp", n, 1, n, 1);
    }

    static final Span S = line(1);

    static Program program(Stmt... stmts) {
        return new Program(new Span("t.kp", 1, 1, 1, 1), new Block(S, List.of(stmts)));
    }

    static Block block(Stmt... stmts) {
        return new Block(S, List.of(stmts));
    }

    static Expr.Name name(String n) {
        return new Expr.Name(S, n);
    }

    static Expr.Int num(long v) {
        return new Expr.Int(S, v);
    }

    static Expr.Str str(String s) {
        return new Expr.Str(S, s);
    }

    static Expr nil() {
        return new Expr.Nil(S);
    }

    static Expr bool(boolean b) {
        return new Expr.Bool(S, b);
    }

    static Expr vararg() {
        return new Expr.Vararg(S);
    }

    static Expr bin(BinOp op, Expr l, Expr r) {
        return new Expr.Binary(S, op, l, r);
    }

    static Expr un(UnOp op, Expr e) {
        return new Expr.Unary(S, op, e);
    }

    static Expr index(Expr t, Expr k) {
        return new Expr.Index(S, t, k);
    }

    static Expr.Call call(Expr callee, Expr... args) {
        return new Expr.Call(S, callee, List.of(args));
    }

    static Expr.Call call(String callee, Expr... args) {
        return call(name(callee), args);
    }

    static Expr method(Expr recv, String m, Expr... args) {
        return new Expr.MethodCall(S, recv, m, List.of(args));
    }

    static Expr fn(List<String> params, boolean variadic, Stmt... body) {
        return new Expr.Function(S, new FunctionBody(S, params, variadic, block(body)));
    }

    static FunctionBody body(List<String> params, boolean variadic, Stmt... body) {
        return new FunctionBody(S, params, variadic, block(body));
    }

    static Expr table(TableField... fields) {
        return new Expr.Table(S, List.of(fields));
    }

    static TableField item(Expr v) {
        return new TableField.Positional(S, v);
    }

    static TableField field(Expr k, Expr v) {
        return new TableField.Keyed(S, k, v);
    }

    static Expr arg(int i) {
        return new Expr.EventArg(S, i);
    }

    static Expr argname() {
        return new Expr.EventVar(S, Expr.EventVar.Kind.ARGNAME);
    }

    static Expr argevent() {
        return new Expr.EventVar(S, Expr.EventVar.Kind.ARGEVENT);
    }

    static Stmt var(List<String> names, Expr... values) {
        return new Stmt.Var(S, names, List.of(values));
    }

    static Stmt var(String n, Expr... values) {
        return new Stmt.Var(S, List.of(n), List.of(values));
    }

    static Stmt assign(Expr target, Expr value) {
        return new Stmt.Assign(S, List.of(target), List.of(value));
    }

    static Stmt assign(List<Expr> targets, List<Expr> values) {
        return new Stmt.Assign(S, targets, values);
    }

    static Stmt compound(Expr target, BinOp op, Expr value) {
        return new Stmt.CompoundAssign(S, target, op, value);
    }

    static Stmt expr(Expr call) {
        return new Stmt.ExprStmt(S, call);
    }

    static Stmt print(Expr... args) {
        return expr(call("print", args));
    }

    static Stmt doBlock(Stmt... body) {
        return new Stmt.Do(S, block(body));
    }

    static Stmt ifThen(Expr c, Block then, Block orElse) {
        return new Stmt.If(S, List.of(new Stmt.If.Arm(c, then)), orElse);
    }

    static Stmt ifChain(List<Stmt.If.Arm> arms, Block orElse) {
        return new Stmt.If(S, arms, orElse);
    }

    static Stmt whileLoop(Expr c, Stmt... body) {
        return new Stmt.While(S, c, block(body));
    }

    static Stmt repeat(Expr c, Stmt... body) {
        return new Stmt.Repeat(S, block(body), c);
    }

    static Stmt numFor(String v, Expr a, Expr b, Expr step, Stmt... body) {
        return new Stmt.NumericFor(S, v, a, b, step, block(body));
    }

    static Stmt cFor(String v, Expr init, Expr cond, Stmt update, Stmt... body) {
        return new Stmt.CFor(S, v, init, cond, update, block(body));
    }

    static Stmt forIn(List<String> names, List<Expr> its, Stmt... body) {
        return new Stmt.ForIn(S, names, its, block(body));
    }

    static Stmt func(String name, List<String> params, Stmt... body) {
        return new Stmt.FunctionDecl(S, List.of(name), null, body(params, false, body));
    }

    static Stmt funcDecl(List<String> path, String method, FunctionBody body) {
        return new Stmt.FunctionDecl(S, path, method, body);
    }

    static Stmt ret(Expr... values) {
        return new Stmt.Return(S, List.of(values));
    }

    static Stmt brk() {
        return new Stmt.Break(S);
    }

    static Stmt trace(String subsystem, String event, Stmt... body) {
        return new Stmt.Trace(S, List.of(new Probe.Tracepoint(S, subsystem, event)), null, block(body));
    }

    static Stmt traceFiltered(List<Probe> probes, String filter, Stmt... body) {
        return new Stmt.Trace(S, probes, filter, block(body));
    }

    static Stmt tick(Duration d, Stmt... body) {
        return new Stmt.Trace(S, List.of(new Probe.Timer(S, Probe.Timer.Kind.TICK, d)), null, block(body));
    }

    static Stmt traceEnd(Stmt... body) {
        return new Stmt.TraceEnd(S, block(body));
    }

    static List<String> names(String... n) {
        return Arrays.asList(n);
    }

    static List<Expr> exprs(Expr... e) {
        return Arrays.asList(e);
    }
}
