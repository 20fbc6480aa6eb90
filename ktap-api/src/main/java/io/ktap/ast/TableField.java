package io.ktap.ast;

import java.util.Objects;

/** One entry of a table constructor. */
public sealed interface TableField extends Node {

    /** {@code value}: stored at the next list index (1, 2, ...). */
    record Positional(Span span, Expr value) implements TableField {
        public Positional {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(value, "value");
        }
    }

    /** {@code [key] = value}, or {@code name = value}, which is {@code ["name"] = value}. */
    record Keyed(Span span, Expr key, Expr value) implements TableField {
        public Keyed {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }
}
