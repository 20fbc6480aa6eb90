package io.ktap.bytecode;

import java.util.Objects;

/** An entry of a function's constant pool: a 64-bit integer or a byte string. */
public sealed interface Constant {

    /** An integer constant (tag 1 in the format). */
    record Int(long value) implements Constant {
        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /**
     * A string constant (tag 2 in the format). Like {@link io.ktap.ast.Expr.Str}, the string holds
     * bytes: each char is one byte, {@code 0..255}.
     */
    record Str(String value) implements Constant {
        public Str {
            Bytes.requireBytes(value, "string constant");
        }

        @Override
        public String toString() {
            return Bytes.quote(value);
        }
    }

    static Constant of(long value) {
        return new Int(value);
    }

    static Constant of(String bytes) {
        return new Str(Objects.requireNonNull(bytes));
    }
}
