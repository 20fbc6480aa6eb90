package io.ktap.compiler;

import java.util.HashMap;
import java.util.Map;

/** The kinds of token of the ktap language. */
enum TokenKind {
    // Literals and names
    NAME(null),
    NUMBER(null),
    STRING(null),
    EOF(null),

    // Keywords (aliases map to the same kind)
    AND("and"),
    BREAK("break"),
    ELSE("else"),
    ELSEIF("elseif"),
    FALSE("false"),
    FOR("for"),
    FUNCTION("function"),
    IF("if"),
    IN("in"),
    NIL("nil"),
    NOT("not"),
    OR("or"),
    REPEAT("repeat"),
    RETURN("return"),
    TRUE("true"),
    UNTIL("until"),
    WHILE("while"),
    VAR("var"),
    TRACE("trace"),
    TRACE_END("trace_end"),
    /** {@code argevent} or its alias {@code argstr}. */
    ARGEVENT("argevent"),
    /** {@code argname} or its alias {@code probename}. */
    ARGNAME("argname"),
    /** {@code arg1} .. {@code arg9}; the token's number holds the index. */
    EVENT_ARG("arg1..arg9"),

    // Punctuation
    PLUS("+"), MINUS("-"), STAR("*"), SLASH("/"), PERCENT("%"), CARET("^"), CONCAT(".."),
    EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="),
    AMPAMP("&&"), BARBAR("||"), BANG("!"),
    ASSIGN("="),
    PLUS_ASSIGN("+="), MINUS_ASSIGN("-="), STAR_ASSIGN("*="), SLASH_ASSIGN("/="), PERCENT_ASSIGN("%="),
    CARET_ASSIGN("^="), CONCAT_ASSIGN("..="),
    LPAREN("("), RPAREN(")"), LBRACE("{"), RBRACE("}"), LBRACKET("["), RBRACKET("]"),
    SEMI(";"), COLON(":"), COMMA(","), DOT("."), ELLIPSIS("...");

    private static final Map<String, TokenKind> KEYWORDS = new HashMap<>();

    static {
        for (TokenKind k : values()) {
            if (k.isKeyword() && k != EVENT_ARG) {
                KEYWORDS.put(k.text, k);
            }
        }
        KEYWORDS.put("argstr", ARGEVENT);
        KEYWORDS.put("probename", ARGNAME);
    }

    private final String text;

    TokenKind(String text) {
        this.text = text;
    }

    /** The fixed spelling of a keyword or punctuation token; {@code null} for names, literals, EOF. */
    String text() {
        return text;
    }

    boolean isKeyword() {
        return ordinal() >= AND.ordinal() && ordinal() <= EVENT_ARG.ordinal();
    }

    /** The keyword spelled {@code word} (aliases included), or {@code null}; arg1..arg9 are handled by the lexer. */
    static TokenKind keyword(String word) {
        return KEYWORDS.get(word);
    }

    /** How the token kind reads in a diagnostic's "expected ..." part. */
    String describe() {
        return switch (this) {
            case NAME -> "a name";
            case NUMBER -> "a number";
            case STRING -> "a string";
            case EOF -> "end of file";
            default -> "'" + text + "'";
        };
    }
}
