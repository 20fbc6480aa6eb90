package io.ktap.compiler;

/**
 * One token: its kind, where it is in the source (offsets into the byte string, 1-based line and
 * column of its first and last byte), and its value.
 *
 * @param text   the name for {@link TokenKind#NAME}, the decoded bytes for {@link TokenKind#STRING},
 *               the raw spelling for {@link TokenKind#NUMBER}, otherwise the source text
 * @param number the index of an {@link TokenKind#EVENT_ARG}; for a {@link TokenKind#STRING},
 *               {@link Lexer#UNTERMINATED} when its closing quote is missing
 * @param newlineBefore whether a line break separates this token from the previous one
 */
record Token(TokenKind kind, int start, int end, int line, int col, int endLine, int endCol,
             String text, long number, boolean newlineBefore) {

    boolean is(TokenKind k) {
        return kind == k;
    }
}
