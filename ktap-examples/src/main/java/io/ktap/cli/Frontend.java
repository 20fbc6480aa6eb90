package io.ktap.cli;

import io.ktap.ast.Diagnostic;
import io.ktap.ast.Program;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The command's view of the language front end: script bytes in, an AST or diagnostics out. */
@FunctionalInterface
public interface Frontend {

    /**
     * Compiles {@code source}, the bytes of the script called {@code name} (the name diagnostics
     * show). Never throws for anything a user can write.
     */
    Result compile(String name, byte[] source);

    /**
     * The outcome: the program when there is no error, and every diagnostic (warnings may come with
     * a program).
     */
    record Result(Optional<Program> program, List<Diagnostic> diagnostics) {
        public Result {
            Objects.requireNonNull(program, "program");
            diagnostics = List.copyOf(diagnostics);
            if (program.isEmpty() && diagnostics.stream().noneMatch(Diagnostic::isError)) {
                throw new IllegalArgumentException("a compilation without a program must report an error");
            }
        }

        /** Whether any diagnostic is an error. */
        public boolean hasErrors() {
            return diagnostics.stream().anyMatch(Diagnostic::isError);
        }
    }
}
