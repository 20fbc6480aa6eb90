package io.ktap.api;

import java.util.List;
import java.util.Objects;

/**
 * The parameter list of a function: names, and whether it ends with {@code ...}.
 * Made with {@link Ktap#params(String...)}; {@link #varargs()} adds the {@code ...}.
 */
public record Params(List<String> names, boolean variadic) {

    public Params {
        names = List.copyOf(names);
        for (String n : names) {
            Ktap.checkName(Objects.requireNonNull(n, "parameter"), "parameter");
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("duplicate parameter name in " + names);
        }
    }

    /** The same names followed by {@code ...}. */
    public Params varargs() {
        return new Params(names, true);
    }

    @Override
    public String toString() {
        String list = String.join(", ", names);
        return "(" + (variadic ? (list.isEmpty() ? "..." : list + ", ...") : list) + ")";
    }
}
