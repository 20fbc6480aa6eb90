package io.ktap.ast;

import java.util.List;
import java.util.Objects;

/** A sequence of statements between braces, or the top level of a program. */
public record Block(Span span, List<Stmt> statements) implements Node {

    public Block {
        Objects.requireNonNull(span, "span");
        statements = List.copyOf(statements);
    }

    public static Block of(Stmt... statements) {
        return new Block(Span.NONE, List.of(statements));
    }

    public boolean isEmpty() {
        return statements.isEmpty();
    }
}
