package io.ktap.api;

import java.util.Objects;

/**
 * A kernel event filter, the {@code /expr/} of a trace block ({@code ip==mutex*},
 * {@code common_pid==1}), in the syntax of the tracefs {@code filter} files. The kernel checks
 * the expression when the probe attaches; here it is checked to be writable between slashes,
 * and surrounding whitespace is dropped.
 */
public record Filter(String expression) {

    public Filter {
        Objects.requireNonNull(expression, "expression");
        expression = expression.strip();
        if (expression.isBlank()) {
            throw new IllegalArgumentException("an event filter cannot be empty");
        }
        if (expression.chars().anyMatch(c -> c == '/' || c == '{' || c == '}' || c == '\n' || c == '\r')) {
            throw new IllegalArgumentException("an event filter cannot contain '/', braces or a line break: '"
                    + expression + "'");
        }
    }

    @Override
    public String toString() {
        return "/" + expression + "/";
    }
}
