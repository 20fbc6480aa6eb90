package io.ktap.ast;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which aggregation function names ({@code count}, {@code max}, ...) a program keeps for its own
 * variables. The aggregation names are not reserved: scripts written before aggregations existed
 * use them ({@code hist = {}}, {@code var max = ...}). A program that declares or assigns a
 * variable, parameter or function of such a name anywhere keeps that name as a variable
 * everywhere, and has no aggregation of that name. The resolver and codegen share this rule.
 */
public final class AggregationNames {

    private AggregationNames() {
    }

    /** The aggregation names {@code program} uses as variables, parameters or function names. */
    public static Set<String> shadowedIn(Program program) {
        Set<String> out = new TreeSet<>();
        block(program.body(), out);
        return Collections.unmodifiableSet(out);
    }

    /**
     * The aggregation {@code e} calls: {@code e} is a call of a bare name that is an aggregation
     * function and not one of {@code shadowed}. Whether a local or upvalue of that name is in scope
     * is the caller's to check.
     */
    public static Builtin called(Expr e, Set<String> shadowed) {
        if (e instanceof Expr.Call c && c.callee() instanceof Expr.Name n && !shadowed.contains(n.name())) {
            return Builtin.aggregation(n.name()).orElse(null);
        }
        return null;
    }

    private static void name(String name, Set<String> out) {
        if (Builtin.aggregation(name).isPresent()) {
            out.add(name);
        }
    }

    private static void block(Block b, Set<String> out) {
        if (b != null) {
            for (Stmt s : b.statements()) {
                stmt(s, out);
            }
        }
    }

    private static void function(FunctionBody f, Set<String> out) {
        f.params().forEach(p -> name(p, out));
        block(f.body(), out);
    }

    private static void exprs(List<Expr> es, Set<String> out) {
        for (Expr e : es) {
            expr(e, out);
        }
    }

    private static void target(Expr t, Set<String> out) {
        if (t instanceof Expr.Name n) {
            name(n.name(), out);
        } else {
            expr(t, out);
        }
    }

    private static void stmt(Stmt s, Set<String> out) {
        if (s instanceof Stmt.Var v) {
            v.names().forEach(n -> name(n, out));
            exprs(v.values(), out);
        } else if (s instanceof Stmt.Assign a) {
            a.targets().forEach(t -> target(t, out));
            exprs(a.values(), out);
        } else if (s instanceof Stmt.CompoundAssign c) {
            target(c.target(), out);
            expr(c.value(), out);
        } else if (s instanceof Stmt.ExprStmt e) {
            expr(e.call(), out);
        } else if (s instanceof Stmt.Do d) {
            block(d.body(), out);
        } else if (s instanceof Stmt.If i) {
            for (Stmt.If.Arm arm : i.arms()) {
                expr(arm.condition(), out);
                block(arm.body(), out);
            }
            block(i.orElse(), out);
        } else if (s instanceof Stmt.While w) {
            expr(w.condition(), out);
            block(w.body(), out);
        } else if (s instanceof Stmt.Repeat r) {
            block(r.body(), out);
            expr(r.condition(), out);
        } else if (s instanceof Stmt.NumericFor f) {
            name(f.var(), out);
            expr(f.start(), out);
            expr(f.limit(), out);
            expr(f.step(), out);
            block(f.body(), out);
        } else if (s instanceof Stmt.CFor f) {
            name(f.var(), out);
            expr(f.init(), out);
            expr(f.condition(), out);
            if (f.update() != null) {
                stmt(f.update(), out);
            }
            block(f.body(), out);
        } else if (s instanceof Stmt.ForIn f) {
            f.names().forEach(n -> name(n, out));
            exprs(f.iterators(), out);
            block(f.body(), out);
        } else if (s instanceof Stmt.FunctionDecl f) {
            if (f.path().size() == 1 && f.method() == null) {
                name(f.path().get(0), out);
            }
            function(f.function(), out);
        } else if (s instanceof Stmt.Return r) {
            exprs(r.values(), out);
        } else if (s instanceof Stmt.Trace t) {
            block(t.body(), out);
        } else if (s instanceof Stmt.TraceEnd t) {
            block(t.body(), out);
        }
    }

    private static void expr(Expr e, Set<String> out) {
        if (e instanceof Expr.Index i) {
            expr(i.target(), out);
            expr(i.key(), out);
        } else if (e instanceof Expr.Call c) {
            expr(c.callee(), out);
            exprs(c.args(), out);
        } else if (e instanceof Expr.MethodCall m) {
            expr(m.receiver(), out);
            exprs(m.args(), out);
        } else if (e instanceof Expr.Function f) {
            function(f.body(), out);
        } else if (e instanceof Expr.Table t) {
            for (TableField f : t.fields()) {
                if (f instanceof TableField.Keyed k) {
                    expr(k.key(), out);
                    expr(k.value(), out);
                } else if (f instanceof TableField.Positional p) {
                    expr(p.value(), out);
                }
            }
        } else if (e instanceof Expr.Binary b) {
            expr(b.left(), out);
            expr(b.right(), out);
        } else if (e instanceof Expr.Unary u) {
            expr(u.operand(), out);
        }
    }
}
