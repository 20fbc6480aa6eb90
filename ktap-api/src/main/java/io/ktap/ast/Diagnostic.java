package io.ktap.ast;

import java.util.Objects;

/**
 * A problem found in a program, reported instead of thrown: {@code file:line:col: error: message}.
 *
 * @param code a short stable identifier of the kind of problem ({@code K0101}), for tooling and docs
 */
public record Diagnostic(Span span, Severity severity, String code, String message) {

    public enum Severity {
        ERROR("error"),
        WARNING("warning");

        private final String label;

        Severity(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Diagnostic {
        Objects.requireNonNull(span, "span");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    public static Diagnostic error(Span span, String code, String message) {
        return new Diagnostic(span, Severity.ERROR, code, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The compiler's one-line form, {@code file:line:col: error: message}. */
    @Override
    public String toString() {
        return span + ": " + severity.label() + ": " + message;
    }
}
