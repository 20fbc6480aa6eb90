package io.ktap.compiler;

import io.ktap.ast.BinOp;
import io.ktap.ast.Block;
import io.ktap.ast.Expr;
import io.ktap.ast.FunctionBody;
import io.ktap.ast.Span;
import io.ktap.ast.Stmt;
import io.ktap.ast.TableField;
import io.ktap.ast.UnOp;

import java.util.List;

/** Terse builders of expected ASTs for tests; every span is {@link Span#NONE} (spans compare equal). */
final class Ast {
    static final Span S = Span.NONE;

    private Ast() {
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

    static Expr.Bool bool(boolean b) {
        return new Expr.Bool(S, b);
    }

    static Expr.Nil nil() {
        return new Expr.Nil(S);
    }

    static Expr bin(BinOp op, Expr l, Expr r) {
        return new Expr.Binary(S, op, l, r);
    }

    static Expr un(UnOp op, Expr e) {
        return new Expr.Unary(S, op, e);
    }

    static Expr.Index index(Expr t, Expr k) {
        return new Expr.Index(S, t, k);
    }

    static Expr.Index field(Expr t, String k) {
        return new Expr.Index(S, t, str(k));
    }

    static Expr.Call call(Expr callee, Expr... args) {
        return new Expr.Call(S, callee, List.of(args));
    }

    static Expr.Call call(String callee, Expr... args) {
        return call(name(callee), args);
    }

    static Expr.Table table(TableField... fields) {
        return new Expr.Table(S, List.of(fields));
    }

    static TableField pos(Expr v) {
        return new TableField.Positional(S, v);
    }

    static TableField keyed(Expr k, Expr v) {
        return new TableField.Keyed(S, k, v);
    }

    static Block block(Stmt... stmts) {
        return new Block(S, List.of(stmts));
    }

    static Stmt.ExprStmt stmt(Expr call) {
        return new Stmt.ExprStmt(S, call);
    }

    static Stmt.Assign assign(Expr target, Expr value) {
        return new Stmt.Assign(S, List.of(target), List.of(value));
    }

    static Stmt.Var var(String name, Expr... values) {
        return new Stmt.Var(S, List.of(name), List.of(values));
    }

    static FunctionBody fn(List<String> params, Stmt... body) {
        return new FunctionBody(S, params, false, block(body));
    }
}
