package io.ktap.ast;

import java.util.Objects;

/**
 * A whole ktap program: the top-level statements in source order. Top-level {@code var}s are the
 * globals; {@link Stmt.Trace} and {@link Stmt.TraceEnd} statements register probe handlers; the
 * rest is the main chunk, which runs once before tracing starts.
 */
public record Program(Span span, Block body) implements Node {

    public Program {
        Objects.requireNonNull(span, "span");
        Objects.requireNonNull(body, "body");
    }
}
