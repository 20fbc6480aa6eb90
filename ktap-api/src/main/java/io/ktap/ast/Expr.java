package io.ktap.ast;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/** Expressions. Every variant is an immutable record whose first component is its {@link Span}. */
public sealed interface Expr extends Node {

    /** Dispatches to the visit method for this variant. */
    <R> R accept(Visitor<R> visitor);

    /** One method per variant; {@code VisitorCoverageTest} checks none is missing. */
    interface Visitor<R> {
        R visitNil(Nil e);

        R visitBool(Bool e);

        R visitInt(Int e);

        R visitStr(Str e);

        R visitVararg(Vararg e);

        R visitName(Name e);

        R visitIndex(Index e);

        R visitCall(Call e);

        R visitMethodCall(MethodCall e);

        R visitFunction(Function e);

        R visitTable(Table e);

        R visitBinary(Binary e);

        R visitUnary(Unary e);

        R visitEventArg(EventArg e);

        R visitEventVar(EventVar e);
    }

    /** {@code nil}. */
    record Nil(Span span) implements Expr {
        public Nil {
            Objects.requireNonNull(span, "span");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitNil(this);
        }
    }

    /** {@code true} or {@code false}. */
    record Bool(Span span, boolean value) implements Expr {
        public Bool {
            Objects.requireNonNull(span, "span");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitBool(this);
        }
    }

    /** A 64-bit signed integer literal (ktap has no floating point). */
    record Int(Span span, long value) implements Expr {
        public Int {
            Objects.requireNonNull(span, "span");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitInt(this);
        }
    }

    /**
     * A string literal. ktap strings are byte strings: each {@code char} of {@code value} is one
     * byte ({@code 0..255}), so {@code "\xff"} is one char {@code U+00FF}. Text from Java code goes
     * through {@link #text(String)}, which encodes it as UTF-8.
     */
    record Str(Span span, String value) implements Expr {
        public Str {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(value, "value");
            for (int i = 0; i < value.length(); i++) {
                if (value.charAt(i) > 0xff) {
                    throw new IllegalArgumentException(
                            "string literal holds bytes (chars 0-255); use Str.text(...) for Unicode text");
                }
            }
        }

        /** A literal holding the UTF-8 bytes of {@code text}. */
        public static Str text(Span span, String text) {
            return new Str(span, new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        }

        /** The literal's bytes. */
        public byte[] bytes() {
            return value.getBytes(StandardCharsets.ISO_8859_1);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitStr(this);
        }
    }

    /** {@code ...}: the variable arguments of the enclosing variadic function. */
    record Vararg(Span span) implements Expr {
        public Vararg {
            Objects.requireNonNull(span, "span");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitVararg(this);
        }
    }

    /**
     * A name: a local, an upvalue, a global, or a builtin (the resolver decides). Builtins that
     * ktap allows as bare words ({@code pid}, {@code tid}, {@code uid}, {@code cpu},
     * {@code execname}) are names too.
     */
    record Name(Span span, String name) implements Expr {
        public Name {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitName(this);
        }
    }

    /** {@code target[key]}; {@code target.name} is {@code target["name"]}. */
    record Index(Span span, Expr target, Expr key) implements Expr {
        public Index {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(key, "key");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitIndex(this);
        }
    }

    /** {@code callee(args...)}. Builtins are called by name: {@code Call(Name("printf"), ...)}. */
    record Call(Span span, Expr callee, List<Expr> args) implements Expr {
        public Call {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(callee, "callee");
            args = List.copyOf(args);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitCall(this);
        }
    }

    /** {@code receiver:method(args...)}: calls {@code receiver.method(receiver, args...)}. */
    record MethodCall(Span span, Expr receiver, String method, List<Expr> args) implements Expr {
        public MethodCall {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(receiver, "receiver");
            Objects.requireNonNull(method, "method");
            args = List.copyOf(args);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitMethodCall(this);
        }
    }

    /** An anonymous function, {@code function (params) { body }}. */
    record Function(Span span, FunctionBody body) implements Expr {
        public Function {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(body, "body");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitFunction(this);
        }
    }

    /** A table constructor, {@code {1, 2, k = v, [e] = v}}. */
    record Table(Span span, List<TableField> fields) implements Expr {
        public Table {
            Objects.requireNonNull(span, "span");
            fields = List.copyOf(fields);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitTable(this);
        }
    }

    /** {@code left op right}. */
    record Binary(Span span, BinOp op, Expr left, Expr right) implements Expr {
        public Binary {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitBinary(this);
        }
    }

    /** {@code op operand}. */
    record Unary(Span span, UnOp op, Expr operand) implements Expr {
        public Unary {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(operand, "operand");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitUnary(this);
        }
    }

    /**
     * {@code arg1} .. {@code arg9}: the current event's fields in format order (for syscalls,
     * {@code arg1} is the syscall number; for kprobes and uprobes, the probed ip).
     */
    record EventArg(Span span, int index) implements Expr {
        public static final int MAX = 9;

        public EventArg {
            Objects.requireNonNull(span, "span");
            if (index < 1 || index > MAX) {
                throw new IllegalArgumentException("event arguments are arg1..arg9, not arg" + index);
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitEventArg(this);
        }
    }

    /** {@code argevent} (alias {@code argstr}) or {@code argname} (alias {@code probename}). */
    record EventVar(Span span, Kind kind) implements Expr {
        public EventVar {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(kind, "kind");
        }

        public enum Kind {
            /** The event formatted as a line of the tracefs {@code trace} file. */
            ARGEVENT("argevent", "argstr"),
            /** The event's name, such as {@code sys_enter_openat}. */
            ARGNAME("argname", "probename");

            private final String keyword;
            private final String alias;

            Kind(String keyword, String alias) {
                this.keyword = keyword;
                this.alias = alias;
            }

            public String keyword() {
                return keyword;
            }

            public String alias() {
                return alias;
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitEventVar(this);
        }
    }
}
