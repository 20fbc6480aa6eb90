package io.ktap.compiler;

import io.ktap.ast.Span;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the raw header of a probe block, which is not made of ordinary tokens: the EVENTDEFs after
 * {@code trace} ({@code probe:/lib/libc.so.6:malloc%return size=%di}, {@code syscalls:sys_enter_*})
 * with their optional {@code /filter/}, and the {@code -N<unit>} of a timer.
 *
 * <p>The header runs up to the block's {@code {}. EVENTDEFs are separated by commas (outside
 * parentheses, which fetch args such as {@code +4($stack)} use). A filter is a segment that starts
 * with {@code /} after whitespace and ends with the last {@code /} before the brace; quoted strings
 * inside it may hold {@code /} and braces. {@code #} and {@code --} after whitespace start a comment.
 * A header may continue on a new line only after a comma, or when the new line starts with the
 * filter or the brace: anything else means the {@code {} is missing.
 */
final class EventDefScanner {

    /** One piece of text from the header and where it was written. */
    record Piece(String text, Span span) {
    }

    /**
     * The scanned header.
     *
     * @param eventDefs the EVENTDEF texts (whitespace runs collapsed to one space), in order
     * @param filter    the filter between the slashes, trimmed, or {@code null}
     * @param error     what is wrong with the header, or {@code null}
     * @param errorSpan where the header is broken, or {@code null}
     * @param endPos    where scanning stopped: at the block's brace when there is one, else where
     *                  the parser should go on
     */
    record Header(List<Piece> eventDefs, Piece filter, String error, Span errorSpan,
                  int endPos, int endLine, int endLineStart) {
    }

    /** A timer's {@code N} and unit, such as {@code 10} and {@code ms}. */
    record TimerHeader(Piece count, Piece unit, boolean braceFound, Span errorSpan,
                       int endPos, int endLine, int endLineStart) {
    }

    private final String file;
    private final String src;
    private final int length;
    private int pos;
    private int line;
    private int lineStart;

    EventDefScanner(String file, String src, int pos, int line, int lineStart) {
        this.file = file;
        this.src = src;
        this.length = src.length();
        this.pos = pos;
        this.line = line;
        this.lineStart = lineStart;
    }

    private int col(int p) {
        return p - lineStart + 1;
    }

    private Span spanAt(int p) {
        return Span.at(file, line, Math.max(1, col(p)));
    }

    /** Scans a trace header from just after the {@code trace} keyword. */
    Header scanTrace() {
        List<Piece> defs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int curLine = 0;
        int curCol = 0;
        int lastLine = 0;
        int lastCol = 0;
        int parens = 0;
        char prevSignificant = ',';
        boolean afterBlank = true;
        while (true) {
            if (pos >= length) {
                flush(defs, current, curLine, curCol, lastLine, lastCol);
                return broken(defs, "expected '{' after the event definition, found end of file", spanAt(pos));
            }
            char c = src.charAt(pos);
            if (c == '\n' || c == '\r') {
                skipNewline();
                afterBlank = true;
                if (prevSignificant != ',') {
                    int p = skipBlanksAndComments();
                    if (p < length && src.charAt(p) != '{' && src.charAt(p) != '/') {
                        flush(defs, current, curLine, curCol, lastLine, lastCol);
                        return broken(defs, "expected '{' after the event definition", spanAt(p));
                    }
                }
                continue;
            }
            if (Lexer.isBlank(c)) {
                pos++;
                afterBlank = true;
                continue;
            }
            if (afterBlank && (c == '#' || (c == '-' && pos + 1 < length && src.charAt(pos + 1) == '-'))) {
                while (pos < length && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
                    pos++;
                }
                continue;
            }
            if ((c == '{' || c == '}' || (c == '/' && afterBlank && parens == 0))
                    && current.length() == 0 && prevSignificant == ',') {
                return broken(defs, defs.isEmpty() ? "expected an event definition after 'trace'"
                        : "expected an event definition after ','", spanAt(pos));
            }
            if (c == '{' || c == '}') {
                flush(defs, current, curLine, curCol, lastLine, lastCol);
                if (c == '}') {
                    return broken(defs, "expected '{' after the event definition, found '}'", spanAt(pos));
                }
                return new Header(defs, null, null, null, pos, line, lineStart);
            }
            if (c == '/' && afterBlank && parens == 0) {
                flush(defs, current, curLine, curCol, lastLine, lastCol);
                return filter(defs);
            }
            if (c == ',' && parens == 0) {
                if (current.length() == 0) {
                    return broken(defs, "empty event definition before ','", spanAt(pos));
                }
                flush(defs, current, curLine, curCol, lastLine, lastCol);
                current.setLength(0);
                prevSignificant = ',';
                afterBlank = true;
                pos++;
                continue;
            }
            if (c == '(') {
                parens++;
            } else if (c == ')' && parens > 0) {
                parens--;
            }
            if (current.length() == 0) {
                curLine = line;
                curCol = col(pos);
            } else if (afterBlank) {
                current.append(' ');
            }
            current.append(c);
            lastLine = line;
            lastCol = col(pos);
            prevSignificant = c;
            afterBlank = false;
            pos++;
        }
    }

    /** Scans {@code /filter/} and the brace after it; {@code pos} is at the opening slash. */
    private Header filter(List<Piece> defs) {
        int openLine = line;
        int openCol = col(pos);
        pos++;
        int start = pos;
        int startLine = line;
        int startLineStart = lineStart;
        int closing = -1;
        int closingLine = 0;
        int closingCol = 0;
        while (pos < length) {
            char c = src.charAt(pos);
            if (c == '"' || c == '\'') {
                pos++;
                while (pos < length && src.charAt(pos) != c && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
                    pos += src.charAt(pos) == '\\' && pos + 1 < length ? 2 : 1;
                }
                if (pos < length && src.charAt(pos) == c) {
                    pos++;
                }
            } else if (c == '/') {
                closing = pos;
                closingLine = line;
                closingCol = col(pos);
                pos++;
            } else if (c == '{' || c == '}') {
                break;
            } else if (c == '\n' || c == '\r') {
                skipNewline();
            } else {
                pos++;
            }
        }
        if (pos >= length || src.charAt(pos) == '}') {
            return broken(defs, "expected '{' after the filter", spanAt(pos));
        }
        Span openSpan = Span.at(file, openLine, openCol);
        if (closing < 0) {
            return new Header(defs, null, "unterminated filter: expected '/' before '{'", openSpan,
                    pos, line, lineStart);
        }
        // Only blanks and comments may stand between the closing slash and the brace.
        int bracePos = pos;
        int braceLine = line;
        int braceLineStart = lineStart;
        if (!onlyBlanks(closing + 1, bracePos)) {
            return new Header(defs, null, "unexpected text after the filter, expected '{'",
                    Span.at(file, closingLine, closingCol), bracePos, braceLine, braceLineStart);
        }
        String text = src.substring(start, closing).strip();
        if (text.isEmpty()) {
            return new Header(defs, null, "empty filter", openSpan, bracePos, braceLine, braceLineStart);
        }
        int firstCol = start - startLineStart + 1;
        Piece filter = new Piece(text.replaceAll("\\s+", " "),
                new Span(file, openLine, firstCol, closingLine, Math.max(1, closingCol - 1)));
        return new Header(defs, filter, null, null, bracePos, braceLine, braceLineStart);
    }

    private boolean onlyBlanks(int from, int to) {
        boolean afterBlank = true;
        for (int p = from; p < to; p++) {
            char c = src.charAt(p);
            if (Lexer.isBlank(c) || c == '\n' || c == '\r') {
                afterBlank = true;
                continue;
            }
            if (afterBlank && (c == '#' || (c == '-' && p + 1 < to && src.charAt(p + 1) == '-'))) {
                while (p < to && src.charAt(p) != '\n' && src.charAt(p) != '\r') {
                    p++;
                }
                continue;
            }
            return false;
        }
        return true;
    }

    /**
     * Scans a timer's {@code -N<unit>} from just after {@code tick} or {@code profile}, or returns
     * {@code null} (reading nothing) when the text there is not a timer.
     */
    TimerHeader scanTimer() {
        int p = pos;
        while (p < length && Lexer.isBlank(src.charAt(p))) {
            p++;
        }
        if (p >= length || src.charAt(p) != '-') {
            return null;
        }
        p++;
        while (p < length && Lexer.isBlank(src.charAt(p))) {
            p++;
        }
        if (p >= length || !Lexer.isDigit(src.charAt(p))) {
            return null;
        }
        pos = p;
        int countStart = pos;
        while (pos < length && Lexer.isDigit(src.charAt(pos))) {
            pos++;
        }
        Piece count = new Piece(src.substring(countStart, pos),
                new Span(file, line, col(countStart), line, col(pos - 1)));
        int unitStart = pos;
        while (pos < length && Lexer.isNameChar(src.charAt(pos))) {
            pos++;
        }
        Piece unit = new Piece(src.substring(unitStart, pos),
                unitStart == pos ? spanAt(pos) : new Span(file, line, col(unitStart), line, col(pos - 1)));
        int q = skipBlanksAndComments();
        if (q < length && src.charAt(q) == '{') {
            pos = q;
            return new TimerHeader(count, unit, true, null, pos, line, lineStart);
        }
        // Leave the parser at the first thing that is not part of the timer.
        return new TimerHeader(count, unit, false, spanAt(q), pos, line, lineStart);
    }

    /**
     * Skips blanks, line breaks and comments from {@code pos}, updating the line, and returns the
     * position of the next significant character without moving {@code pos} past it.
     */
    private int skipBlanksAndComments() {
        boolean afterBlank = true;
        while (pos < length) {
            char c = src.charAt(pos);
            if (c == '\n' || c == '\r') {
                skipNewline();
                afterBlank = true;
            } else if (Lexer.isBlank(c)) {
                pos++;
                afterBlank = true;
            } else if (afterBlank && (c == '#' || (c == '-' && pos + 1 < length && src.charAt(pos + 1) == '-'))) {
                while (pos < length && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
                    pos++;
                }
            } else {
                break;
            }
        }
        return pos;
    }

    private void skipNewline() {
        char c = src.charAt(pos);
        pos++;
        if (pos < length) {
            char d = src.charAt(pos);
            if ((d == '\n' || d == '\r') && d != c) {
                pos++;
            }
        }
        line++;
        lineStart = pos;
    }

    private void flush(List<Piece> defs, StringBuilder current, int l0, int c0, int l1, int c1) {
        if (current.length() > 0) {
            defs.add(new Piece(current.toString(), new Span(file, l0, c0, l1, c1)));
            current.setLength(0);
        }
    }

    private Header broken(List<Piece> defs, String message, Span at) {
        return new Header(defs, null, message, at, pos, line, lineStart);
    }
}
