package io.ktap.compiler;

import io.ktap.ast.Span;

/**
 * Turns ktap source into tokens, on demand. The source is a byte string: each {@code char} is one
 * byte ({@code 0..255}), so string literal values are byte strings and columns count bytes.
 *
 * <p>Lexical errors are reported to {@link Diagnostics} and lexing goes on: an unterminated string
 * still yields a string token, an invalid character is skipped. Numbers are lexed loosely (digits,
 * letters, a decimal point) and validated by the parser, which knows whether a literal is negated
 * and which skips validation for the raw text of timers.
 */
final class Lexer {

    /** The {@link Token#number()} of a string token whose closing quote or bracket is missing. */
    static final long UNTERMINATED = 1;

    private final String file;
    private final String src;
    private final int length;
    private final Diagnostics diagnostics;

    private int pos;
    private int line = 1;
    private int lineStart;
    private boolean newlineBefore;
    /** Where the last run of invalid characters started, or -1. */
    private int lastInvalidStart = -1;
    /** Whether the last long bracket scanned was missing its closing bracket. */
    private boolean longBracketUnterminated;

    Lexer(String file, String src, Diagnostics diagnostics) {
        this.file = file;
        this.src = src;
        this.length = src.length();
        this.diagnostics = diagnostics;
    }

    String file() {
        return file;
    }

    String source() {
        return src;
    }

    int pos() {
        return pos;
    }

    int line() {
        return line;
    }

    int lineStart() {
        return lineStart;
    }

    /** Moves the lexer to {@code pos}, which is on line {@code line} starting at {@code lineStart}. */
    void reset(int pos, int line, int lineStart) {
        this.pos = pos;
        this.line = line;
        this.lineStart = lineStart;
    }

    /** Where the last run of invalid characters started, or -1 if there was none. */
    int lastInvalidStart() {
        return lastInvalidStart;
    }

    Span span(int line, int col, int endLine, int endCol) {
        return new Span(file, line, col, endLine, endCol);
    }

    /** The next token; {@link TokenKind#EOF} forever at the end. */
    Token next() {
        int lineBefore = line;
        while (true) {
            skipBlanksAndComments();
            newlineBefore = line != lineBefore;
            Token t = lexOne();
            if (t != null) {
                return t;
            }
        }
    }

    /** One token at {@code pos}, or {@code null} after reporting and skipping invalid characters. */
    private Token lexOne() {
        int start = pos;
        int startLine = line;
        int startCol = pos - lineStart + 1;
        if (pos >= length) {
            return new Token(TokenKind.EOF, pos, pos, startLine, startCol, startLine, startCol, "", 0, newlineBefore);
        }
        char c = src.charAt(pos);
        if (isNameStart(c)) {
            return name(start, startCol);
        }
        if (isDigit(c) || (c == '.' && pos + 1 < length && isDigit(src.charAt(pos + 1)))) {
            return number(start, startCol);
        }
        switch (c) {
            case '"', '\'' -> {
                return quotedString(c, start, startCol);
            }
            case '[' -> {
                int level = longBracketLevel(pos);
                if (level >= 0) {
                    return longString(level, start, startLine, startCol);
                }
                return punct(TokenKind.LBRACKET, 1, start, startCol);
            }
            case '+' -> {
                return at(1, '=') ? punct(TokenKind.PLUS_ASSIGN, 2, start, startCol) : punct(TokenKind.PLUS, 1, start, startCol);
            }
            case '-' -> {
                return at(1, '=') ? punct(TokenKind.MINUS_ASSIGN, 2, start, startCol) : punct(TokenKind.MINUS, 1, start, startCol);
            }
            case '*' -> {
                return at(1, '=') ? punct(TokenKind.STAR_ASSIGN, 2, start, startCol) : punct(TokenKind.STAR, 1, start, startCol);
            }
            case '/' -> {
                return at(1, '=') ? punct(TokenKind.SLASH_ASSIGN, 2, start, startCol) : punct(TokenKind.SLASH, 1, start, startCol);
            }
            case '%' -> {
                return at(1, '=') ? punct(TokenKind.PERCENT_ASSIGN, 2, start, startCol) : punct(TokenKind.PERCENT, 1, start, startCol);
            }
            case '^' -> {
                return at(1, '=') ? punct(TokenKind.CARET_ASSIGN, 2, start, startCol) : punct(TokenKind.CARET, 1, start, startCol);
            }
            case '=' -> {
                return at(1, '=') ? punct(TokenKind.EQ, 2, start, startCol) : punct(TokenKind.ASSIGN, 1, start, startCol);
            }
            case '!' -> {
                return at(1, '=') ? punct(TokenKind.NE, 2, start, startCol) : punct(TokenKind.BANG, 1, start, startCol);
            }
            case '<' -> {
                return at(1, '=') ? punct(TokenKind.LE, 2, start, startCol) : punct(TokenKind.LT, 1, start, startCol);
            }
            case '>' -> {
                return at(1, '=') ? punct(TokenKind.GE, 2, start, startCol) : punct(TokenKind.GT, 1, start, startCol);
            }
            case '&' -> {
                if (!at(1, '&')) {
                    misspelled(startCol, "'&': logical and is '&&' (there are no bitwise operators)");
                    return punct(TokenKind.AMPAMP, 1, start, startCol);
                }
                return punct(TokenKind.AMPAMP, 2, start, startCol);
            }
            case '|' -> {
                if (!at(1, '|')) {
                    misspelled(startCol, "'|': logical or is '||' (there are no bitwise operators)");
                    return punct(TokenKind.BARBAR, 1, start, startCol);
                }
                return punct(TokenKind.BARBAR, 2, start, startCol);
            }
            case '~' -> {
                if (at(1, '=')) {
                    misspelled(startCol, "'~=': the inequality operator is '!='");
                    return punct(TokenKind.NE, 2, start, startCol);
                }
            }
            case '.' -> {
                if (at(1, '.')) {
                    if (at(2, '.')) {
                        return punct(TokenKind.ELLIPSIS, 3, start, startCol);
                    }
                    if (at(2, '=')) {
                        return punct(TokenKind.CONCAT_ASSIGN, 3, start, startCol);
                    }
                    return punct(TokenKind.CONCAT, 2, start, startCol);
                }
                return punct(TokenKind.DOT, 1, start, startCol);
            }
            case '(' -> {
                return punct(TokenKind.LPAREN, 1, start, startCol);
            }
            case ')' -> {
                return punct(TokenKind.RPAREN, 1, start, startCol);
            }
            case '{' -> {
                return punct(TokenKind.LBRACE, 1, start, startCol);
            }
            case '}' -> {
                return punct(TokenKind.RBRACE, 1, start, startCol);
            }
            case ']' -> {
                return punct(TokenKind.RBRACKET, 1, start, startCol);
            }
            case ';' -> {
                return punct(TokenKind.SEMI, 1, start, startCol);
            }
            case ':' -> {
                return punct(TokenKind.COLON, 1, start, startCol);
            }
            case ',' -> {
                return punct(TokenKind.COMMA, 1, start, startCol);
            }
            default -> {
            }
        }
        invalidCharacters(startCol);
        return null;
    }

    /** Reports one diagnostic for a run of characters that cannot start a token, and skips them. */
    private void invalidCharacters(int startCol) {
        char c = src.charAt(pos);
        int startLine = line;
        lastInvalidStart = pos;
        String message = "unexpected " + (c >= 0x21 && c < 0x7f ? "character " : "") + describeChar(c);
        pos++;
        int n = 1;
        while (pos < length && isInvalidStart(src.charAt(pos))) {
            pos++;
            n++;
        }
        if (n > 1) {
            message += " (and " + (n - 1) + " more invalid byte" + (n > 2 ? "s" : "") + ")";
        }
        diagnostics.error(span(startLine, startCol, startLine, pos - lineStart), ErrorCode.UNEXPECTED_CHARACTER, message);
    }

    /**
     * Reports an operator spelled as in C or Lua rather than ktap; the lexer then reads it as the
     * ktap operator, so that parsing goes on without a second error.
     */
    private void misspelled(int startCol, String what) {
        diagnostics.error(span(line, startCol, line, startCol), ErrorCode.UNEXPECTED_CHARACTER, "unexpected " + what);
    }

    private boolean isInvalidStart(char c) {
        if (isNameStart(c) || isDigit(c) || isBlank(c) || c == '\n') {
            return false;
        }
        return "\"'[]+-*/%^=!<>.(){};:,#&|".indexOf(c) < 0 && !(c == '~' && at(1, '='));
    }

    static String describeChar(char c) {
        if (c >= 0x21 && c < 0x7f) {
            return "'" + c + "'";
        }
        return String.format("byte 0x%02x", (int) c);
    }

    private boolean at(int offset, char c) {
        int p = pos + offset;
        return p < length && src.charAt(p) == c;
    }

    private Token punct(TokenKind kind, int n, int start, int startCol) {
        pos += n;
        return new Token(kind, start, pos, line, startCol, line, startCol + n - 1, kind.text(), 0, newlineBefore);
    }

    private Token name(int start, int startCol) {
        while (pos < length && isNameChar(src.charAt(pos))) {
            pos++;
        }
        String word = src.substring(start, pos);
        TokenKind kind = TokenKind.keyword(word);
        long number = 0;
        if (kind == null) {
            kind = TokenKind.NAME;
            if (word.length() == 4 && word.startsWith("arg") && word.charAt(3) >= '1' && word.charAt(3) <= '9') {
                kind = TokenKind.EVENT_ARG;
                number = word.charAt(3) - '0';
            }
        }
        return new Token(kind, start, pos, line, startCol, line, pos - lineStart, word, number, newlineBefore);
    }

    private Token number(int start, int startCol) {
        boolean hex = src.charAt(pos) == '0' && pos + 1 < length && (src.charAt(pos + 1) | 0x20) == 'x';
        while (pos < length) {
            char c = src.charAt(pos);
            if (isNameChar(c)) {
                pos++;
                if (!hex && (c | 0x20) == 'e' && pos < length && (src.charAt(pos) == '+' || src.charAt(pos) == '-')
                        && pos + 1 < length && isDigit(src.charAt(pos + 1))) {
                    pos++;
                }
            } else if (c == '.' && pos + 1 < length && isDigit(src.charAt(pos + 1))) {
                pos++;
            } else {
                break;
            }
        }
        return new Token(TokenKind.NUMBER, start, pos, line, startCol, line, pos - lineStart,
                src.substring(start, pos), 0, newlineBefore);
    }

    private Token quotedString(char quote, int start, int startCol) {
        int startLine = line;
        pos++;
        StringBuilder sb = new StringBuilder();
        long terminated = 0;
        while (true) {
            if (pos >= length || src.charAt(pos) == '\n' || src.charAt(pos) == '\r') {
                terminated = UNTERMINATED;
                diagnostics.error(span(startLine, startCol, startLine, startCol), ErrorCode.UNTERMINATED_STRING,
                        "unterminated string (a string ends on the line it starts; use \\n or [[ ]] for line breaks)");
                break;
            }
            char c = src.charAt(pos);
            if (c == quote) {
                pos++;
                break;
            }
            if (c == '\\') {
                escape(sb);
            } else {
                sb.append(c);
                pos++;
            }
        }
        return new Token(TokenKind.STRING, start, pos, startLine, startCol, line, Math.max(1, pos - lineStart),
                sb.toString(), terminated, newlineBefore);
    }

    /** Decodes the escape at {@code pos} (a backslash) into {@code sb}. */
    private void escape(StringBuilder sb) {
        int escLine = line;
        int escCol = pos - lineStart + 1;
        pos++;
        if (pos >= length) {
            return; // the unterminated string is reported by the caller
        }
        char c = src.charAt(pos);
        switch (c) {
            case 'n' -> append(sb, '\n');
            case 't' -> append(sb, '\t');
            case 'r' -> append(sb, '\r');
            case 'a' -> append(sb, (char) 7);
            case 'b' -> append(sb, '\b');
            case 'f' -> append(sb, '\f');
            case 'v' -> append(sb, (char) 11);
            case '\\', '"', '\'' -> append(sb, c);
            case '\n', '\r' -> {
                // A backslash before a line break continues the string on the next line, with the break.
                pos++;
                if (pos < length && src.charAt(pos) != c && (src.charAt(pos) == '\n' || src.charAt(pos) == '\r')) {
                    pos++;
                }
                newline();
                sb.append('\n');
            }
            case 'x' -> {
                pos++;
                int value = 0;
                int digits = 0;
                while (digits < 2 && pos < length && Character.digit(src.charAt(pos), 16) >= 0) {
                    value = value * 16 + Character.digit(src.charAt(pos), 16);
                    pos++;
                    digits++;
                }
                if (digits == 0) {
                    diagnostics.error(span(escLine, escCol, escLine, escCol + 1), ErrorCode.INVALID_ESCAPE,
                            "invalid escape sequence '\\x': expected hexadecimal digits");
                } else {
                    sb.append((char) value);
                }
            }
            default -> {
                if (isDigit(c)) {
                    int value = 0;
                    int digits = 0;
                    while (digits < 3 && pos < length && isDigit(src.charAt(pos))) {
                        value = value * 10 + (src.charAt(pos) - '0');
                        pos++;
                        digits++;
                    }
                    if (value > 255) {
                        diagnostics.error(span(escLine, escCol, escLine, escCol + digits), ErrorCode.INVALID_ESCAPE,
                                "invalid escape sequence '\\" + value + "': a decimal escape is at most \\255");
                    } else {
                        sb.append((char) value);
                    }
                } else {
                    diagnostics.error(span(escLine, escCol, escLine, escCol + 1), ErrorCode.INVALID_ESCAPE,
                            "invalid escape sequence '\\" + (c >= 0x21 && c < 0x7f ? String.valueOf(c)
                                    : String.format("x%02x", (int) c)) + "'");
                    sb.append(c);
                    pos++;
                }
            }
        }
    }

    private void append(StringBuilder sb, char c) {
        sb.append(c);
        pos++;
    }

    /** The level of a long bracket {@code [==[} opening at {@code p}, or -1 if there is none. */
    private int longBracketLevel(int p) {
        int q = p + 1;
        while (q < length && src.charAt(q) == '=') {
            q++;
        }
        return q < length && src.charAt(q) == '[' ? q - p - 1 : -1;
    }

    /**
     * Skips a long bracket {@code [==[ ... ]==]} opening at {@code pos} and returns its contents, or
     * {@code null} (after reporting it) when it is not closed. As in Lua, a line break right after
     * the opening bracket is not part of the contents.
     */
    private String longBracket(int level, int startLine, int startCol, String what) {
        pos += level + 2;
        if (pos < length && (src.charAt(pos) == '\r' || src.charAt(pos) == '\n')) {
            skipNewline();
        }
        int contentStart = pos;
        StringBuilder sb = null;
        longBracketUnterminated = false;
        while (pos < length) {
            char c = src.charAt(pos);
            if (c == ']' && closesLongBracket(level)) {
                String content = sb == null ? src.substring(contentStart, pos) : sb.append(src, contentStart, pos).toString();
                pos += level + 2;
                return content;
            }
            if (c == '\n' || c == '\r') {
                if (c == '\r') {
                    // Normalise \r\n and \r to \n inside long strings, as Lua does.
                    if (sb == null) {
                        sb = new StringBuilder();
                    }
                    sb.append(src, contentStart, pos).append('\n');
                    skipNewline();
                    contentStart = pos;
                } else {
                    skipNewline();
                }
            } else {
                pos++;
            }
        }
        longBracketUnterminated = true;
        diagnostics.error(span(startLine, startCol, startLine, startCol + level + 1), ErrorCode.UNTERMINATED_LONG_BRACKET,
                "unterminated " + what + " (missing ']" + "=".repeat(level) + "]')");
        return sb == null ? src.substring(contentStart, pos) : sb.append(src, contentStart, pos).toString();
    }

    private boolean closesLongBracket(int level) {
        int q = pos + 1;
        for (int i = 0; i < level; i++, q++) {
            if (q >= length || src.charAt(q) != '=') {
                return false;
            }
        }
        return q < length && src.charAt(q) == ']';
    }

    private Token longString(int level, int start, int startLine, int startCol) {
        String value = longBracket(level, startLine, startCol, "long string");
        return new Token(TokenKind.STRING, start, pos, startLine, startCol, line, Math.max(1, pos - lineStart),
                value, longBracketUnterminated ? UNTERMINATED : 0, newlineBefore);
    }

    private void skipBlanksAndComments() {
        while (pos < length) {
            char c = src.charAt(pos);
            if (c == '\n' || c == '\r') {
                skipNewline();
            } else if (isBlank(c)) {
                pos++;
            } else if (c == '#') {
                skipToEndOfLine();
            } else if (c == '-' && at(1, '-')) {
                if (at(2, '[')) {
                    int level = longBracketLevel(pos + 2);
                    if (level >= 0) {
                        int startLine = line;
                        int startCol = pos - lineStart + 1;
                        pos += 2;
                        longBracket(level, startLine, startCol, "long comment");
                        continue;
                    }
                }
                skipToEndOfLine();
            } else {
                return;
            }
        }
    }

    private void skipToEndOfLine() {
        while (pos < length && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
            pos++;
        }
    }

    /** Skips one line break ({@code \n}, {@code \r}, {@code \r\n} or {@code \n\r}) at {@code pos}. */
    private void skipNewline() {
        char c = src.charAt(pos);
        pos++;
        if (pos < length) {
            char d = src.charAt(pos);
            if ((d == '\n' || d == '\r') && d != c) {
                pos++;
            }
        }
        newline();
    }

    private void newline() {
        line++;
        lineStart = pos;
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\f' || c == 11;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static boolean isNameChar(char c) {
        return isNameStart(c) || isDigit(c);
    }
}
