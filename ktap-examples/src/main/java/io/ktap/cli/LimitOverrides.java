package io.ktap.cli;

import io.ktap.trace.Limits;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code --max-*} limits given on the command line; a limit not given keeps the backend's
 * default ({@link Limits#defaults()}).
 */
public record LimitOverrides(Map<LimitOption, Long> values) {

    /** No overrides. */
    public static final LimitOverrides NONE = new LimitOverrides(Map.of());

    public LimitOverrides {
        EnumMap<LimitOption, Long> copy = new EnumMap<>(LimitOption.class);
        for (Map.Entry<LimitOption, Long> e : values.entrySet()) {
            long n = Objects.requireNonNull(e.getValue(), "value");
            if (n < 0 || n > e.getKey().max()) {
                throw new IllegalArgumentException(e.getKey().option() + " must be 0.." + e.getKey().max() + ", not " + n);
            }
            copy.put(e.getKey(), n);
        }
        values = Collections.unmodifiableMap(copy);
    }

    /** These overrides and {@code option} set to {@code n}. */
    public LimitOverrides with(LimitOption option, long n) {
        EnumMap<LimitOption, Long> copy = new EnumMap<>(LimitOption.class);
        copy.putAll(values);
        copy.put(option, n);
        return new LimitOverrides(copy);
    }

    /** {@code base} with every override applied, in {@link LimitOption} order. */
    public Limits applyTo(Limits base) {
        Limits limits = base;
        for (Map.Entry<LimitOption, Long> e : values.entrySet()) {
            limits = e.getKey().apply(limits, e.getValue());
        }
        return limits;
    }
}
