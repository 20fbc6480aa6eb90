package io.ktap.cli;

import java.nio.file.Path;
import java.util.Objects;

/** Where the program comes from: a script file, or the text of {@code -e}. */
public sealed interface ScriptSource {

    /** The name diagnostics use and the script sees as {@code arg[0]}. */
    String displayName();

    /** A script file, {@code ktap script.kp}. */
    record File(Path path) implements ScriptSource {
        public File {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String displayName() {
            return path.toString();
        }
    }

    /** A program given on the command line, {@code ktap -e 'PROGRAM'}. */
    record Inline(String text) implements ScriptSource {
        /** The name an inline program goes by in diagnostics ({@code -e:1:7: error: ...}). */
        public static final String NAME = "-e";

        public Inline {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String displayName() {
            return NAME;
        }
    }
}
