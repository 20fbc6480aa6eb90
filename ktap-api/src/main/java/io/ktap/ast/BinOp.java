package io.ktap.ast;

/** Binary operators, with the precedence and associativity of the ktap (Lua 5.1) grammar. */
public enum BinOp {
    OR("||", 1),
    AND("&&", 2),
    LT("<", 3), LE("<=", 3), GT(">", 3), GE(">=", 3), EQ("==", 3), NE("!=", 3),
    CONCAT("..", 4, true),
    ADD("+", 5), SUB("-", 5),
    MUL("*", 6), DIV("/", 6), MOD("%", 6),
    POW("^", 8, true);

    /** Precedence of the unary operators: between {@code * / %} and {@code ^}. */
    public static final int UNARY_PRECEDENCE = 7;

    private final String symbol;
    private final int precedence;
    private final boolean rightAssociative;

    BinOp(String symbol, int precedence) {
        this(symbol, precedence, false);
    }

    BinOp(String symbol, int precedence, boolean rightAssociative) {
        this.symbol = symbol;
        this.precedence = precedence;
        this.rightAssociative = rightAssociative;
    }

    /** The canonical spelling ({@code and}/{@code or} are accepted aliases of {@code &&}/{@code ||}). */
    public String symbol() {
        return symbol;
    }

    /** Higher binds tighter. */
    public int precedence() {
        return precedence;
    }

    public boolean rightAssociative() {
        return rightAssociative;
    }

    public boolean isComparison() {
        return precedence == 3;
    }

    public boolean isArithmetic() {
        return this == ADD || this == SUB || this == MUL || this == DIV || this == MOD || this == POW;
    }

    /** Operators that short-circuit and yield the deciding operand. */
    public boolean isLogical() {
        return this == AND || this == OR;
    }
}
