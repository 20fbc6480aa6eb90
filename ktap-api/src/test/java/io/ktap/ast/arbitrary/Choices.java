package io.ktap.ast.arbitrary;

import java.util.List;

/**
 * A sequence of choices driving {@link AstGenerator}: each decision takes the next number modulo
 * the number of options, and once the sequence is used up every decision takes option 0, the
 * simplest. A shorter sequence or smaller numbers therefore mean a smaller AST, so jqwik shrinks
 * an AST by shrinking its choice list (the idea of Hypothesis' internal shrinking).
 */
final class Choices {

    private final List<Integer> values;
    private int next;

    Choices(List<Integer> values) {
        this.values = values;
    }

    /** A number in {@code [0, n)}; 0 when the choices are used up. */
    int choose(int n) {
        if (n <= 1 || next >= values.size()) {
            return 0;
        }
        return Math.floorMod(values.get(next++), n);
    }

    /** A number in {@code [min, max]}, {@code min} when the choices are used up. */
    int between(int min, int max) {
        return min + choose(max - min + 1);
    }

    /** True with probability about {@code 1/n} (never once the choices are used up). */
    boolean oneIn(int n) {
        return choose(n) == n - 1;
    }

    /** Any 64-bit value, built from four 16-bit choices. */
    long anyLong() {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 16) | choose(1 << 16);
        }
        return v;
    }

    /** One element of {@code options}, the first when the choices are used up. */
    <T> T pick(List<T> options) {
        return options.get(choose(options.size()));
    }

    boolean exhausted() {
        return next >= values.size();
    }
}
