package io.ktap.compiler;

import io.ktap.ast.Diagnostic;
import io.ktap.ast.Program;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The outcome of compiling one script: the program, when there is no error, and every diagnostic
 * (errors and warnings) in source order.
 */
public final class CompileResult {

    private final Program program;
    private final List<Diagnostic> diagnostics;

    CompileResult(Program program, List<Diagnostic> diagnostics) {
        this.diagnostics = List.copyOf(diagnostics);
        if (program != null && this.diagnostics.stream().anyMatch(Diagnostic::isError)) {
            throw new IllegalArgumentException("a program with errors");
        }
        this.program = program;
    }

    /** The program; empty when there is an error. */
    public Optional<Program> program() {
        return Optional.ofNullable(program);
    }

    /** Whether the script compiled (it may still have warnings). */
    public boolean isSuccess() {
        return program != null;
    }

    /** Every diagnostic, errors and warnings, in source order. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    /** The errors only. */
    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).collect(Collectors.toUnmodifiableList());
    }

    /**
     * The program, or an {@link IllegalStateException} listing the diagnostics: for callers that
     * have already decided a failure is a bug (tests, built-in scripts).
     */
    public Program programOrThrow() {
        if (program == null) {
            throw new IllegalStateException("the script does not compile:\n" + format());
        }
        return program;
    }

    /** The diagnostics as the compiler prints them, one {@code file:line:col: error: message} per line. */
    public String format() {
        return diagnostics.stream().map(Diagnostic::toString).collect(Collectors.joining("\n"));
    }

    @Override
    public String toString() {
        return isSuccess() ? "CompileResult[success, " + diagnostics.size() + " warning(s)]"
                : "CompileResult[failed]\n" + format();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompileResult r && Objects.equals(program, r.program) && diagnostics.equals(r.diagnostics);
    }

    @Override
    public int hashCode() {
        return Objects.hash(program, diagnostics);
    }
}
