package io.ktap.ast;

import java.util.List;
import java.util.Objects;

/**
 * Parameters and body of a function: shared by {@code function name(...) { }} statements and
 * anonymous {@code function (...) { }} expressions.
 *
 * @param params   parameter names, in order
 * @param variadic whether the parameter list ends with {@code ...}
 */
public record FunctionBody(Span span, List<String> params, boolean variadic, Block body) implements Node {

    public FunctionBody {
        Objects.requireNonNull(span, "span");
        params = List.copyOf(params);
        Objects.requireNonNull(body, "body");
    }
}
