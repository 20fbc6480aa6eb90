package io.ktap.compiler;

import io.ktap.ast.Diagnostic;
import io.ktap.ast.Span;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the diagnostics of one compilation. After {@link #MAX_ERRORS} errors it records a last
 * "too many errors" diagnostic and stops the compilation by throwing {@link Abort}.
 */
final class Diagnostics {

    /** The most errors reported in one run; binary junk would otherwise give one per byte. */
    static final int MAX_ERRORS = 100;

    /** Thrown to stop a compilation early (too many errors, nesting too deep). Carries no stack. */
    static final class Abort extends RuntimeException {
        Abort() {
            super(null, null, false, false);
        }
    }

    private final List<Diagnostic> list = new ArrayList<>();
    private int errors;

    void error(Span span, ErrorCode code, String message) {
        if (errors == MAX_ERRORS) {
            list.add(Diagnostic.error(span, ErrorCode.TOO_MANY_ERRORS.code(),
                    "too many errors (" + MAX_ERRORS + "), stopping"));
            errors++;
            throw new Abort();
        }
        errors++;
        list.add(Diagnostic.error(span, code.code(), message));
    }

    void warning(Span span, ErrorCode code, String message) {
        list.add(new Diagnostic(span, Diagnostic.Severity.WARNING, code.code(), message));
    }

    /** Reports an error and stops the compilation. */
    Abort fatal(Span span, ErrorCode code, String message) {
        errors++;
        list.add(Diagnostic.error(span, code.code(), message));
        return new Abort();
    }

    int errorCount() {
        return errors;
    }

    List<Diagnostic> all() {
        return list;
    }
}
