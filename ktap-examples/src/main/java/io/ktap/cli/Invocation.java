package io.ktap.cli;

import java.util.Objects;
import java.util.Optional;

/** What a {@code ktap} command line asks for, or why it cannot be understood. */
public sealed interface Invocation {

    /** {@code -h}, {@code --help}: print the usage. */
    record Help() implements Invocation {
    }

    /** {@code -V}: print the version. */
    record Version() implements Invocation {
    }

    /** {@code -le [GLOB]}: list the host's tracepoint events, those matching {@code glob} if given. */
    record ListEvents(Optional<String> glob) implements Invocation {
        public ListEvents {
            Objects.requireNonNull(glob, "glob");
        }
    }

    /** Compile a program and run it (or only check or dump it). */
    record Run(RunOptions options) implements Invocation {
        public Run {
            Objects.requireNonNull(options, "options");
        }
    }

    /** A command line that cannot be run; {@code message} says why, in one line. */
    record UsageError(String message) implements Invocation {
        public UsageError {
            Objects.requireNonNull(message, "message");
        }
    }
}
