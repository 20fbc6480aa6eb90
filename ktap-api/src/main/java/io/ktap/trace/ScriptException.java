package io.ktap.trace;

import io.ktap.ast.Diagnostic;
import java.util.List;
import java.util.stream.Collectors;

/** A script that does not compile: its diagnostics, as the compiler prints them. */
public class ScriptException extends TraceException {

    private static final long serialVersionUID = 1L;

    private final transient List<Diagnostic> diagnostics;

    public ScriptException(List<Diagnostic> diagnostics) {
        super(diagnostics.stream().map(Diagnostic::toString).collect(Collectors.joining("\n")));
        this.diagnostics = List.copyOf(diagnostics);
    }

    /** Every diagnostic, errors and warnings, in source order. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
