package io.ktap.cli;

import java.util.Locale;
import java.util.Optional;

/** The {@code -f} choices: how records are written to the output. */
public enum OutputFormat {
    /** Human-readable text, as the original ktap printed it. */
    TEXT,
    /** Newline-delimited JSON objects shaped {@code {"type": ..., "data": ...}}. */
    JSON;

    /** The name used on the command line. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named {@code name} on the command line. */
    public static Optional<OutputFormat> fromOptionName(String name) {
        for (OutputFormat f : values()) {
            if (f.optionName().equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
