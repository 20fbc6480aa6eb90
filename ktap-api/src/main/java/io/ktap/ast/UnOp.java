package io.ktap.ast;

/** Unary operators. */
public enum UnOp {
    /** Arithmetic negation, {@code -x}. */
    NEG("-"),
    /** Logical not, {@code !x} (alias {@code not x}). */
    NOT("!");

    private final String symbol;

    UnOp(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }
}
