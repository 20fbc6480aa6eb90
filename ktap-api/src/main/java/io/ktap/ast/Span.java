package io.ktap.ast;

import java.util.Objects;

/**
 * A region of source text: the file it came from and the first and last character it covers
 * (1-based lines and columns, the end inclusive).
 *
 * <p>A span is position metadata, not part of a node's meaning: <b>all spans are equal to each
 * other</b>, so two AST nodes that differ only in where they were written compare equal with
 * {@link Object#equals}. This is what makes a program built with the fluent API equal to the same
 * program parsed from a script. Use {@link #sameLocation(Span)} to compare positions.
 */
public record Span(String file, int line, int col, int endLine, int endCol) {

    /** The span of nodes that were not parsed from text (built with the fluent API). */
    public static final Span NONE = new Span("<api>", 0, 0, 0, 0);

    public Span {
        Objects.requireNonNull(file, "file");
        if (line < 0 || col < 0 || endLine < 0 || endCol < 0) {
            throw new IllegalArgumentException("negative position in span " + file + ":" + line + ":" + col);
        }
    }

    /** A span covering a single position. */
    public static Span at(String file, int line, int col) {
        return new Span(file, line, col, line, col);
    }

    /** The smallest span covering both this span and {@code other}. */
    public Span to(Span other) {
        if (this == NONE) {
            return other;
        }
        if (other == NONE) {
            return this;
        }
        return new Span(file, line, col, other.endLine, other.endCol);
    }

    /** Whether this span was produced from source text. */
    public boolean isKnown() {
        return line > 0;
    }

    /** Compares the positions themselves, which {@link #equals} deliberately ignores. */
    public boolean sameLocation(Span other) {
        return file.equals(other.file) && line == other.line && col == other.col
                && endLine == other.endLine && endCol == other.endCol;
    }

    /** Always true for another span: positions are metadata. See the class comment. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Span;
    }

    @Override
    public int hashCode() {
        return 0x5ba7;
    }

    /** {@code file:line:col}, the prefix of every diagnostic. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + col;
    }
}
