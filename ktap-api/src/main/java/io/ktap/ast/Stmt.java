package io.ktap.ast;

import java.util.List;
import java.util.Objects;

/**
 * Statements, including the top-level probe blocks ({@code trace ...}, timers, {@code trace_end}).
 * Every variant is an immutable record whose first component is its {@link Span}.
 */
public sealed interface Stmt extends Node {

    /** Dispatches to the visit method for this variant. */
    <R> R accept(Visitor<R> visitor);

    /** One method per variant; {@code VisitorCoverageTest} checks none is missing. */
    interface Visitor<R> {
        R visitVar(Var s);

        R visitAssign(Assign s);

        R visitCompoundAssign(CompoundAssign s);

        R visitExprStmt(ExprStmt s);

        R visitDo(Do s);

        R visitIf(If s);

        R visitWhile(While s);

        R visitRepeat(Repeat s);

        R visitNumericFor(NumericFor s);

        R visitCFor(CFor s);

        R visitForIn(ForIn s);

        R visitFunctionDecl(FunctionDecl s);

        R visitReturn(Return s);

        R visitBreak(Break s);

        R visitTrace(Trace s);

        R visitTraceEnd(TraceEnd s);
    }

    /**
     * {@code var a, b = e1, e2}. At the top level of a program it declares globals, shared by every
     * handler; inside a function or block it declares locals.
     */
    record Var(Span span, List<String> names, List<Expr> values) implements Stmt {
        public Var {
            Objects.requireNonNull(span, "span");
            names = List.copyOf(names);
            values = List.copyOf(values);
            if (names.isEmpty()) {
                throw new IllegalArgumentException("var declares at least one name");
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitVar(this);
        }
    }

    /** {@code t1, t2 = e1, e2}; each target is a {@link Expr.Name} or an {@link Expr.Index}. */
    record Assign(Span span, List<Expr> targets, List<Expr> values) implements Stmt {
        public Assign {
            Objects.requireNonNull(span, "span");
            targets = List.copyOf(targets);
            values = List.copyOf(values);
            if (targets.isEmpty() || values.isEmpty()) {
                throw new IllegalArgumentException("assignment needs at least one target and one value");
            }
            for (Expr t : targets) {
                requireAssignable(t);
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitAssign(this);
        }
    }

    /**
     * {@code target op= value}, such as {@code s[k] += 1}. For {@code +=} and {@code -=} a nil
     * table slot counts as 0, so counting into a fresh table works.
     */
    record CompoundAssign(Span span, Expr target, BinOp op, Expr value) implements Stmt {
        public CompoundAssign {
            Objects.requireNonNull(span, "span");
            requireAssignable(target);
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(value, "value");
            if (!op.isArithmetic() && op != BinOp.CONCAT) {
                throw new IllegalArgumentException("no compound assignment for " + op.symbol());
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitCompoundAssign(this);
        }
    }

    /** A call evaluated for its effect: {@code print(x)}. */
    record ExprStmt(Span span, Expr call) implements Stmt {
        public ExprStmt {
            Objects.requireNonNull(span, "span");
            if (!(call instanceof Expr.Call) && !(call instanceof Expr.MethodCall)) {
                throw new IllegalArgumentException("only a call can be a statement, not " + call);
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitExprStmt(this);
        }
    }

    /** A nested block {@code { ... }} with its own scope. */
    record Do(Span span, Block body) implements Stmt {
        public Do {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(body, "body");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitDo(this);
        }
    }

    /**
     * {@code if (c1) { } elseif (c2) { } else { }}.
     *
     * @param arms   the {@code if} arm and each {@code elseif} arm, in order (at least one)
     * @param orElse the {@code else} block, or {@code null} when there is none
     */
    record If(Span span, List<Arm> arms, Block orElse) implements Stmt {
        public If {
            Objects.requireNonNull(span, "span");
            arms = List.copyOf(arms);
            if (arms.isEmpty()) {
                throw new IllegalArgumentException("if needs at least one condition");
            }
        }

        /** One condition and the block it guards. */
        public record Arm(Expr condition, Block body) {
            public Arm {
                Objects.requireNonNull(condition, "condition");
                Objects.requireNonNull(body, "body");
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitIf(this);
        }
    }

    /** {@code while (c) { }}. */
    record While(Span span, Expr condition, Block body) implements Stmt {
        public While {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(body, "body");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitWhile(this);
        }
    }

    /** {@code repeat { } until (c)}; the condition sees the body's locals, as in Lua. */
    record Repeat(Span span, Block body, Expr condition) implements Stmt {
        public Repeat {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(condition, "condition");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitRepeat(this);
        }
    }

    /**
     * {@code for (i = start, limit [, step]) { }}: the limit is inclusive, the step defaults to 1,
     * and {@code i} is a fresh local of the body.
     *
     * @param step the step, or {@code null} for the default of 1
     */
    record NumericFor(Span span, String var, Expr start, Expr limit, Expr step, Block body) implements Stmt {
        public NumericFor {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(var, "var");
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(limit, "limit");
            Objects.requireNonNull(body, "body");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitNumericFor(this);
        }
    }

    /**
     * The C form {@code for (i = init; cond; update) { }}: {@code i} is a local of the loop,
     * {@code cond} is tested before each iteration and {@code update} runs after each.
     */
    record CFor(Span span, String var, Expr init, Expr condition, Stmt update, Block body) implements Stmt {
        public CFor {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(var, "var");
            Objects.requireNonNull(init, "init");
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(update, "update");
            Objects.requireNonNull(body, "body");
            if (!(update instanceof Assign) && !(update instanceof CompoundAssign) && !(update instanceof ExprStmt)) {
                throw new IllegalArgumentException("a for-loop update is an assignment or a call, not " + update);
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitCFor(this);
        }
    }

    /** {@code for (k, v in pairs(t)) { }}: the generic for of Lua. */
    record ForIn(Span span, List<String> names, List<Expr> iterators, Block body) implements Stmt {
        public ForIn {
            Objects.requireNonNull(span, "span");
            names = List.copyOf(names);
            iterators = List.copyOf(iterators);
            Objects.requireNonNull(body, "body");
            if (names.isEmpty() || iterators.isEmpty()) {
                throw new IllegalArgumentException("for-in needs names and an iterator");
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitForIn(this);
        }
    }

    /**
     * {@code function a.b.c(params) { }} or {@code function a.b:m(params) { }}.
     *
     * @param path   the name and the fields leading to the function ({@code ["a", "b", "c"]})
     * @param method the method name after {@code :}, or {@code null}; a method gets an implicit
     *               first parameter {@code self}
     */
    record FunctionDecl(Span span, List<String> path, String method, FunctionBody function) implements Stmt {
        public FunctionDecl {
            Objects.requireNonNull(span, "span");
            path = List.copyOf(path);
            Objects.requireNonNull(function, "function");
            if (path.isEmpty()) {
                throw new IllegalArgumentException("a function declaration needs a name");
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitFunctionDecl(this);
        }
    }

    /** {@code return [e1, e2, ...]}. */
    record Return(Span span, List<Expr> values) implements Stmt {
        public Return {
            Objects.requireNonNull(span, "span");
            values = List.copyOf(values);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitReturn(this);
        }
    }

    /** {@code break}. */
    record Break(Span span) implements Stmt {
        public Break {
            Objects.requireNonNull(span, "span");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitBreak(this);
        }
    }

    /**
     * A probe block: {@code trace EVENTDEF[, EVENTDEF...] [/filter/] { body }}, or a timer
     * {@code tick-1s { }} / {@code profile-10ms { }} (then {@code probes} is one {@link Probe.Timer}).
     *
     * @param filter the kernel event filter between slashes ({@code ip==mutex*}), or {@code null}
     */
    record Trace(Span span, List<Probe> probes, String filter, Block body) implements Stmt {
        public Trace {
            Objects.requireNonNull(span, "span");
            probes = List.copyOf(probes);
            Objects.requireNonNull(body, "body");
            if (probes.isEmpty()) {
                throw new IllegalArgumentException("a trace block needs at least one probe");
            }
            if (probes.size() > 1 && probes.stream().anyMatch(p -> p instanceof Probe.Timer)) {
                throw new IllegalArgumentException("a timer cannot share a trace block with other probes");
            }
            if (filter != null && probes.get(0) instanceof Probe.Timer) {
                throw new IllegalArgumentException("a timer takes no event filter");
            }
            if (filter != null && probes.stream().anyMatch(Trace::isCounter)) {
                throw new IllegalArgumentException(FILTERLESS_COUNTER);
            }
        }

        /** Why a perf event or breakpoint cannot have a {@code /filter/}. */
        public static final String FILTERLESS_COUNTER = "a perf event or breakpoint takes no event filter"
                + " (it has no trace record to filter): test pid, cpu or execname in the handler";

        /** Whether {@code p} is a perf event or a breakpoint: a perf counter, not a trace event. */
        public static boolean isCounter(Probe p) {
            return p instanceof Probe.PerfEvent || p instanceof Probe.Breakpoint;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitTrace(this);
        }
    }

    /** {@code trace_end { }}: runs once when tracing stops (Ctrl-C, {@code exit()}, close). */
    record TraceEnd(Span span, Block body) implements Stmt {
        public TraceEnd {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(body, "body");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitTraceEnd(this);
        }
    }

    /** Throws unless {@code target} can be assigned to (a name or an index expression). */
    static void requireAssignable(Expr target) {
        if (!(target instanceof Expr.Name) && !(target instanceof Expr.Index)) {
            throw new IllegalArgumentException("cannot assign to " + target);
        }
    }
}
