package io.ktap.compiler;

import io.ktap.ast.BinOp;
import io.ktap.ast.Block;
import io.ktap.ast.Expr;
import io.ktap.ast.FunctionBody;
import io.ktap.ast.Probe;
import io.ktap.ast.ProbeSpecs;
import io.ktap.ast.Program;
import io.ktap.ast.Span;
import io.ktap.ast.Stmt;
import io.ktap.ast.TableField;
import io.ktap.ast.UnOp;

import java.util.ArrayList;
import java.util.List;

/**
 * The ktap parser: hand-written recursive descent for statements, precedence climbing (over
 * {@link BinOp#precedence()}) for expressions.
 *
 * <p>Errors never escape as exceptions. A syntax error is reported to {@link Diagnostics} and
 * unwinds (as the private {@link SyntaxError}) to the statement loop of the innermost block, which
 * skips to the next statement boundary and goes on, so one run reports many errors. Nesting is
 * bounded by {@link #MAX_DEPTH}: every nested block, operand, left-associative operator application
 * and suffix counts, so both the parser's recursion and the depth of the AST it builds stay under
 * the limit, and later recursive passes (resolver, printer, code generator) cannot overflow the
 * stack on any input.
 */
final class Parser {

    /** The deepest nesting of blocks, expressions, operator chains and suffixes accepted. */
    static final int MAX_DEPTH = 200;

    /** Unwinds a statement after its error was reported. Carries no stack. */
    private static final class SyntaxError extends RuntimeException {
        SyntaxError() {
            super(null, null, false, false);
        }
    }

    private final String file;
    private final String src;
    private final Lexer lexer;
    private final Diagnostics diagnostics;

    private Token tok;
    private Token ahead;
    private Token prev;
    private int depth;
    /** While true, a {@code {} does not start call arguments: it is the block of if/while. */
    private boolean noBraceCall;

    Parser(Lexer lexer, Diagnostics diagnostics) {
        this.lexer = lexer;
        this.file = lexer.file();
        this.src = lexer.source();
        this.diagnostics = diagnostics;
    }

    /** Parses a whole script; {@code null} if parsing had to stop (too many errors, too deep). */
    Program parseProgram() {
        try {
            tok = lexer.next();
            prev = tok;
            Token first = tok;
            List<Stmt> statements = statements(true);
            Span span = new Span(file, 1, 1, tok.line(), tok.col());
            return new Program(span, new Block(span(first, tok), statements));
        } catch (Diagnostics.Abort e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ token handling

    private void advance() {
        prev = tok;
        if (ahead != null) {
            tok = ahead;
            ahead = null;
        } else {
            tok = lexer.next();
        }
    }

    private Token peek() {
        if (ahead == null) {
            ahead = lexer.next();
        }
        return ahead;
    }

    private boolean accept(TokenKind kind) {
        if (tok.kind() == kind) {
            advance();
            return true;
        }
        return false;
    }

    private Token expect(TokenKind kind, String what) {
        if (tok.kind() != kind) {
            throw unexpected(what);
        }
        Token t = tok;
        advance();
        return t;
    }

    /** Reports "unexpected X, expected WHAT" at the current token. */
    private SyntaxError unexpected(String what) {
        return error(tok, ErrorCode.UNEXPECTED_TOKEN, "unexpected " + describe(tok) + ", expected " + what);
    }

    private SyntaxError error(Token at, ErrorCode code, String message) {
        if (!afterUnterminatedString() && !afterInvalidCharacters(at)) {
            diagnostics.error(span(at), code, message);
        }
        return new SyntaxError();
    }

    /** Whether invalid characters were skipped right before {@code at}: then they are the news. */
    private boolean afterInvalidCharacters(Token at) {
        int invalid = lexer.lastInvalidStart();
        return invalid >= 0 && invalid >= prev.end() && invalid < at.start();
    }

    /**
     * Whether the last token was a string the lexer reported as unterminated: the error that
     * follows it (its closing parenthesis was swallowed) is a consequence, not news.
     */
    private boolean afterUnterminatedString() {
        return prev != null && prev.kind() == TokenKind.STRING && prev.number() == Lexer.UNTERMINATED;
    }

    private SyntaxError error(Span at, ErrorCode code, String message) {
        diagnostics.error(at, code, message);
        return new SyntaxError();
    }

    private Span span(Token t) {
        return new Span(file, t.line(), t.col(), t.endLine(), t.endCol());
    }

    /** From the start of {@code first} to the end of the last token consumed. */
    private Span spanFrom(Token first) {
        return span(first, prev);
    }

    private Span span(Token first, Token last) {
        if (last.start() < first.start()) {
            last = first;
        }
        return new Span(file, first.line(), first.col(), last.endLine(), last.endCol());
    }

    /** How a token reads in a diagnostic: {@code '}'}, {@code 'foo'}, {@code end of file}. */
    private String describe(Token t) {
        if (t.kind() == TokenKind.EOF) {
            return "end of file";
        }
        int end = Math.min(t.end(), t.start() + 32);
        StringBuilder sb = new StringBuilder("'");
        for (int i = t.start(); i < end; i++) {
            char c = src.charAt(i);
            if (c == '\n') {
                sb.append("\\n");
            } else if (c < 0x20 || c >= 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (end < t.end()) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw diagnostics.fatal(span(tok), ErrorCode.NESTING_TOO_DEEP,
                    "nesting too deep (more than " + MAX_DEPTH + " levels of blocks, expressions and operators)");
        }
    }

    // ------------------------------------------------------------------ statements

    private boolean blockEnd() {
        return tok.kind() == TokenKind.EOF || tok.kind() == TokenKind.RBRACE;
    }

    private List<Stmt> statements(boolean topLevel) {
        List<Stmt> list = new ArrayList<>();
        boolean afterReturn = false;
        while (tok.kind() != TokenKind.EOF && !(tok.kind() == TokenKind.RBRACE && !topLevel)) {
            int savedDepth = depth;
            boolean savedNoBraceCall = noBraceCall;
            Token start = tok;
            try {
                if (accept(TokenKind.SEMI)) {
                    continue;
                }
                if (afterReturn) {
                    diagnostics.error(span(tok), ErrorCode.RETURN_NOT_LAST,
                            "unexpected " + describe(tok) + " after 'return': 'return' must be the last statement of its block");
                    afterReturn = false;
                }
                Stmt s = statement();
                if (s != null) {
                    list.add(s);
                }
                if (s instanceof Stmt.Return) {
                    accept(TokenKind.SEMI);
                    afterReturn = !blockEnd();
                }
            } catch (SyntaxError e) {
                depth = savedDepth;
                noBraceCall = savedNoBraceCall;
                synchronize(start, topLevel);
            }
        }
        return list;
    }

    /**
     * Skips to the next statement boundary after a syntax error: a statement keyword, a token
     * that starts a new line, or past a {@code ;}; never past the {@code }} that closes the
     * current block. Braces skipped on the way are balanced.
     */
    private void synchronize(Token errorStatementStart, boolean topLevel) {
        if (tok == errorStatementStart && tok.kind() != TokenKind.EOF
                && !(tok.kind() == TokenKind.RBRACE && !topLevel)) {
            advance(); // the statement could not even start: skip its first token
        }
        int braces = 0;
        while (tok.kind() != TokenKind.EOF) {
            switch (tok.kind()) {
                case LBRACE -> braces++;
                case RBRACE -> {
                    if (braces == 0) {
                        if (!topLevel) {
                            return;
                        }
                    } else {
                        braces--;
                        if (braces == 0 && !topLevel) {
                            advance();
                            return;
                        }
                    }
                }
                case SEMI -> {
                    if (braces == 0) {
                        advance();
                        return;
                    }
                }
                case VAR, IF, WHILE, FOR, REPEAT, FUNCTION, RETURN, BREAK, TRACE, TRACE_END -> {
                    if (braces == 0) {
                        return;
                    }
                }
                case NAME, LPAREN, ARGEVENT, ARGNAME, EVENT_ARG -> {
                    if (braces == 0 && tok.newlineBefore()) {
                        return;
                    }
                }
                default -> {
                }
            }
            advance();
        }
    }

    private Stmt statement() {
        switch (tok.kind()) {
            case IF:
                return ifStatement();
            case WHILE:
                return whileStatement();
            case FOR:
                return forStatement();
            case REPEAT:
                return repeatStatement();
            case FUNCTION:
                return functionStatement();
            case RETURN:
                return returnStatement();
            case BREAK: {
                Token t = tok;
                advance();
                return new Stmt.Break(span(t));
            }
            case VAR:
                return varStatement();
            case TRACE:
                return traceStatement();
            case TRACE_END: {
                Token t = tok;
                advance();
                Block body = block();
                return new Stmt.TraceEnd(spanFrom(t), body);
            }
            case LBRACE: {
                Token t = tok;
                Block body = block();
                return new Stmt.Do(spanFrom(t), body);
            }
            case NAME:
                if (tok.text().equals("tick") || tok.text().equals("profile")) {
                    Stmt timer = timerStatement();
                    if (timer != NOT_A_TIMER) {
                        return timer;
                    }
                }
                return expressionStatement();
            default:
                return expressionStatement();
        }
    }

    private Block block() {
        Token open = tok;
        expect(TokenKind.LBRACE, "'{'");
        enter();
        boolean saved = noBraceCall;
        noBraceCall = false;
        List<Stmt> statements = statements(false);
        noBraceCall = saved;
        if (tok.kind() != TokenKind.RBRACE) {
            throw unexpected("'}' to close the block opened at " + open.line() + ":" + open.col());
        }
        advance();
        depth--;
        return new Block(spanFrom(open), statements);
    }

    /** {@code ( expr )...}: a condition must start with a parenthesis; the parentheses group. */
    private Expr condition(String keyword) {
        if (tok.kind() != TokenKind.LPAREN) {
            throw unexpected("'(' after '" + keyword + "'");
        }
        boolean saved = noBraceCall;
        noBraceCall = true;
        Expr e = expression();
        noBraceCall = saved;
        return e;
    }

    private Stmt ifStatement() {
        Token start = tok;
        advance();
        List<Stmt.If.Arm> arms = new ArrayList<>();
        arms.add(new Stmt.If.Arm(condition("if"), block()));
        Block orElse = null;
        while (true) {
            if (tok.kind() == TokenKind.ELSEIF) {
                advance();
                arms.add(new Stmt.If.Arm(condition("elseif"), block()));
            } else if (tok.kind() == TokenKind.ELSE) {
                advance();
                if (tok.kind() == TokenKind.IF) {
                    // "else if (c) { }" is read as "elseif (c) { }", as C programmers write it.
                    advance();
                    arms.add(new Stmt.If.Arm(condition("if"), block()));
                } else {
                    orElse = block();
                    break;
                }
            } else {
                break;
            }
        }
        return new Stmt.If(spanFrom(start), arms, orElse);
    }

    private Stmt whileStatement() {
        Token start = tok;
        advance();
        Expr condition = condition("while");
        Block body = block();
        return new Stmt.While(spanFrom(start), condition, body);
    }

    private Stmt repeatStatement() {
        Token start = tok;
        advance();
        Block body = block();
        expect(TokenKind.UNTIL, "'until' after the body of 'repeat'");
        Expr condition = expression();
        return new Stmt.Repeat(spanFrom(start), body, condition);
    }

    private Stmt forStatement() {
        Token start = tok;
        advance();
        expect(TokenKind.LPAREN, "'(' after 'for'");
        String first = expect(TokenKind.NAME, "a loop variable name").text();
        if (accept(TokenKind.ASSIGN)) {
            Expr init = expression();
            if (accept(TokenKind.COMMA)) {
                Expr limit = expression();
                Expr step = accept(TokenKind.COMMA) ? expression() : null;
                expect(TokenKind.RPAREN, "')' to close the for-loop header");
                Block body = block();
                return new Stmt.NumericFor(spanFrom(start), first, init, limit, step, body);
            }
            if (accept(TokenKind.SEMI)) {
                Expr condition = expression();
                expect(TokenKind.SEMI, "';' after the for-loop condition");
                Token updateStart = tok;
                Stmt update = expressionStatement();
                if (update == null) {
                    throw error(updateStart, ErrorCode.NOT_A_STATEMENT, "a for-loop update must be an assignment or a call");
                }
                expect(TokenKind.RPAREN, "')' to close the for-loop header");
                Block body = block();
                return new Stmt.CFor(spanFrom(start), first, init, condition, update, body);
            }
            throw unexpected("',' (numeric for) or ';' (C-style for)");
        }
        List<String> names = new ArrayList<>();
        names.add(first);
        while (accept(TokenKind.COMMA)) {
            names.add(expect(TokenKind.NAME, "a loop variable name").text());
        }
        expect(TokenKind.IN, names.size() == 1 ? "'=', ',' or 'in' after the loop variable" : "'in'");
        List<Expr> iterators = expressionList();
        expect(TokenKind.RPAREN, "')' to close the for-loop header");
        Block body = block();
        return new Stmt.ForIn(spanFrom(start), names, iterators, body);
    }

    private Stmt functionStatement() {
        Token start = tok;
        advance();
        if (tok.kind() != TokenKind.NAME) {
            throw unexpected(tok.kind() == TokenKind.LPAREN
                    ? "a function name (an anonymous function is an expression, not a statement)"
                    : "a function name");
        }
        List<String> path = new ArrayList<>();
        path.add(tok.text());
        advance();
        String method = null;
        while (accept(TokenKind.DOT)) {
            path.add(fieldName());
        }
        if (accept(TokenKind.COLON)) {
            method = fieldName();
        }
        FunctionBody body = functionBody();
        return new Stmt.FunctionDecl(spanFrom(start), path, method, body);
    }

    /** A field or method name after {@code .} or {@code :}: a name, or a keyword used as one. */
    private String fieldName() {
        if (tok.kind() == TokenKind.NAME || tok.kind().isKeyword()) {
            String name = tok.text();
            advance();
            return name;
        }
        throw unexpected("a field name");
    }

    private FunctionBody functionBody() {
        Token open = tok;
        expect(TokenKind.LPAREN, "'(' to start the parameter list");
        List<String> params = new ArrayList<>();
        boolean variadic = false;
        if (tok.kind() != TokenKind.RPAREN) {
            while (true) {
                if (accept(TokenKind.ELLIPSIS)) {
                    variadic = true;
                    break;
                }
                params.add(expect(TokenKind.NAME, "a parameter name or '...'").text());
                if (!accept(TokenKind.COMMA)) {
                    break;
                }
            }
        }
        expect(TokenKind.RPAREN, variadic ? "')' after '...' (it must be the last parameter)" : "',' or ')' in the parameter list");
        boolean saved = noBraceCall;
        noBraceCall = false;
        Block body = block();
        noBraceCall = saved;
        return new FunctionBody(spanFrom(open), params, variadic, body);
    }

    private Stmt returnStatement() {
        Token start = tok;
        advance();
        List<Expr> values = blockEnd() || tok.kind() == TokenKind.SEMI ? List.of() : expressionList();
        return new Stmt.Return(spanFrom(start), values);
    }

    private Stmt varStatement() {
        Token start = tok;
        advance();
        List<String> names = new ArrayList<>();
        names.add(expect(TokenKind.NAME, "a variable name after 'var'").text());
        while (accept(TokenKind.COMMA)) {
            names.add(expect(TokenKind.NAME, "a variable name").text());
        }
        List<Expr> values = accept(TokenKind.ASSIGN) ? expressionList() : List.of();
        return new Stmt.Var(spanFrom(start), names, values);
    }

    /** An assignment, a compound assignment or a call; the error when it is none of those. */
    private Stmt expressionStatement() {
        Token start = tok;
        switch (tok.kind()) {
            case NAME, LPAREN, ARGEVENT, ARGNAME, EVENT_ARG -> {
            }
            default -> throw unexpected("a statement");
        }
        Expr e = suffixedExpression();
        if (tok.kind() == TokenKind.ASSIGN || tok.kind() == TokenKind.COMMA) {
            List<Expr> targets = new ArrayList<>();
            targets.add(assignable(e, start));
            while (accept(TokenKind.COMMA)) {
                Token t = tok;
                targets.add(assignable(suffixedExpression(), t));
            }
            expect(TokenKind.ASSIGN, "'=' after the assignment targets");
            List<Expr> values = expressionList();
            return new Stmt.Assign(spanFrom(start), targets, values);
        }
        BinOp compound = compoundOperator(tok.kind());
        if (compound != null) {
            Expr target = assignable(e, start);
            advance();
            Expr value = expression();
            return new Stmt.CompoundAssign(spanFrom(start), target, compound, value);
        }
        if (e instanceof Expr.Call || e instanceof Expr.MethodCall) {
            return new Stmt.ExprStmt(spanFrom(start), e);
        }
        if (e instanceof Expr.Name n && n.name().equals("local") && tok.kind() == TokenKind.NAME) {
            throw error(start, ErrorCode.UNEXPECTED_TOKEN, "'local' is not a ktap keyword: declare variables with 'var'");
        }
        if (tok.kind() == TokenKind.PLUS && peek().kind() == TokenKind.PLUS) {
            throw error(tok, ErrorCode.UNEXPECTED_TOKEN, "'++' is not a ktap operator: write 'x += 1'");
        }
        if (tok.newlineBefore() || tok.kind() == TokenKind.EOF || tok.kind() == TokenKind.RBRACE
                || tok.kind() == TokenKind.SEMI) {
            String hint = followedByDoubleDash(prev) ? " ('--' starts a comment: write 'x -= 1')" : "";
            throw error(spanFrom(start), ErrorCode.NOT_A_STATEMENT,
                    "an expression alone is not a statement: expected an assignment or a call" + hint);
        }
        throw error(tok, ErrorCode.NOT_A_STATEMENT, "unexpected " + describe(tok)
                + ", expected '=' or a call: an expression alone is not a statement");
    }

    /** Whether the source right after {@code t} (blanks aside) is a {@code --} comment. */
    private boolean followedByDoubleDash(Token t) {
        int p = t.end();
        while (p < src.length() && Lexer.isBlank(src.charAt(p))) {
            p++;
        }
        return p + 1 < src.length() && src.charAt(p) == '-' && src.charAt(p + 1) == '-';
    }

    private Expr assignable(Expr e, Token start) {
        if (e instanceof Expr.Name || e instanceof Expr.Index) {
            return e;
        }
        String what;
        if (e instanceof Expr.EventVar ev) {
            what = ev.kind().keyword() + ", an event variable";
        } else if (e instanceof Expr.EventArg ea) {
            what = "arg" + ea.index() + ", an event field";
        } else if (e instanceof Expr.Call || e instanceof Expr.MethodCall) {
            what = "the result of a call";
        } else {
            what = "this expression";
        }
        throw error(new Span(file, start.line(), start.col(), prev.endLine(), prev.endCol()),
                ErrorCode.INVALID_ASSIGNMENT_TARGET, "cannot assign to " + what);
    }

    private static BinOp compoundOperator(TokenKind kind) {
        return switch (kind) {
            case PLUS_ASSIGN -> BinOp.ADD;
            case MINUS_ASSIGN -> BinOp.SUB;
            case STAR_ASSIGN -> BinOp.MUL;
            case SLASH_ASSIGN -> BinOp.DIV;
            case PERCENT_ASSIGN -> BinOp.MOD;
            case CARET_ASSIGN -> BinOp.POW;
            case CONCAT_ASSIGN -> BinOp.CONCAT;
            default -> null;
        };
    }

    // ------------------------------------------------------------------ probe blocks

    /** Puts the lexer right after {@code t}, dropping any lookahead. */
    private void rewindTo(Token t) {
        lexer.reset(t.end(), t.endLine(), t.end() - t.endCol());
        ahead = null;
    }

    /** Continues lexing at a position the event scanner reached. */
    private void resumeAt(int pos, int line, int lineStart) {
        lexer.reset(pos, line, lineStart);
        ahead = null;
        prev = tok;
        tok = lexer.next();
    }

    private Stmt traceStatement() {
        Token start = tok;
        rewindTo(tok);
        EventDefScanner.Header header = new EventDefScanner(file, src, start.end(), start.endLine(),
                start.end() - start.endCol()).scanTrace();
        boolean ok = true;
        if (header.error() != null) {
            diagnostics.error(header.errorSpan(), header.error().contains("filter") ? ErrorCode.INVALID_FILTER
                    : ErrorCode.INVALID_PROBE, header.error());
            ok = false;
        }
        List<Probe> probes = new ArrayList<>();
        for (EventDefScanner.Piece def : header.eventDefs()) {
            try {
                probes.add(ProbeSpecs.parse(def.text(), def.span()));
            } catch (IllegalArgumentException e) {
                diagnostics.error(def.span(), ErrorCode.INVALID_PROBE, e.getMessage());
                ok = false;
            }
        }
        if (ok && probes.size() > 1 && probes.stream().anyMatch(p -> p instanceof Probe.Timer)) {
            diagnostics.error(header.eventDefs().get(0).span(), ErrorCode.INVALID_PROBE,
                    "a timer cannot share a trace block with other probes");
            ok = false;
        }
        String filter = header.filter() == null ? null : header.filter().text();
        if (ok && filter != null && probes.get(0) instanceof Probe.Timer) {
            diagnostics.error(header.filter().span(), ErrorCode.INVALID_FILTER, "a timer takes no event filter");
            ok = false;
        }
        if (ok && filter != null && probes.stream().anyMatch(Stmt.Trace::isCounter)) {
            diagnostics.error(header.filter().span(), ErrorCode.INVALID_FILTER, Stmt.Trace.FILTERLESS_COUNTER);
            ok = false;
        }
        resumeAt(header.endPos(), header.endLine(), header.endLineStart());
        if (tok.kind() != TokenKind.LBRACE) {
            throw new SyntaxError(); // the broken header is reported; skip to the next statement
        }
        Block body = block();
        return ok ? new Stmt.Trace(spanFrom(start), probes, filter, body) : null;
    }

    /** Returned by {@link #timerStatement()} when {@code tick}/{@code profile} is only a name. */
    private static final Stmt NOT_A_TIMER = new Stmt.Break(Span.NONE);

    private Stmt timerStatement() {
        Token start = tok;
        if (ahead != null && ahead.kind() != TokenKind.MINUS) {
            return NOT_A_TIMER;
        }
        EventDefScanner.TimerHeader header = new EventDefScanner(file, src, start.end(), start.endLine(),
                start.end() - start.endCol()).scanTimer();
        if (header == null) {
            return NOT_A_TIMER;
        }
        rewindTo(start);
        Probe probe = null;
        String text = start.text() + "-" + header.count().text() + header.unit().text();
        Span span = new Span(file, start.line(), start.col(), header.unit().span().endLine(),
                header.unit().text().isEmpty() ? header.count().span().endCol() : header.unit().span().endCol());
        try {
            probe = ProbeSpecs.parse(text, span);
        } catch (IllegalArgumentException e) {
            diagnostics.error(span, ErrorCode.INVALID_TIMER, e.getMessage());
        }
        resumeAt(header.endPos(), header.endLine(), header.endLineStart());
        if (!header.braceFound()) {
            throw error(tok, ErrorCode.UNEXPECTED_TOKEN, "unexpected " + describe(tok) + ", expected '{' after '" + text + "'");
        }
        Block body = block();
        return probe == null ? null : new Stmt.Trace(spanFrom(start), List.of(probe), null, body);
    }

    // ------------------------------------------------------------------ expressions

    Expr expression() {
        return subExpression(0);
    }

    private List<Expr> expressionList() {
        List<Expr> list = new ArrayList<>();
        list.add(expression());
        while (accept(TokenKind.COMMA)) {
            list.add(expression());
        }
        return list;
    }

    /** Precedence climbing: an operand, then every binary operator binding tighter than {@code limit}. */
    private Expr subExpression(int limit) {
        enter();
        int entered = 1;
        Token start = tok;
        Expr left;
        UnOp unary = unaryOperator(tok.kind());
        if (unary != null) {
            advance();
            if (unary == UnOp.NEG && tok.kind() == TokenKind.NUMBER && peek().kind() != TokenKind.CARET) {
                // "-5" is the literal -5 (and -9223372036854775808 is representable); "-(5)" stays a negation.
                left = number(tok, true, start);
            } else {
                Expr operand = subExpression(BinOp.UNARY_PRECEDENCE);
                left = new Expr.Unary(spanFrom(start), unary, operand);
            }
        } else {
            left = simpleExpression();
        }
        BinOp op;
        while ((op = binaryOperator(tok.kind())) != null && op.precedence() > limit) {
            advance();
            enter();
            entered++;
            Expr right = subExpression(op.rightAssociative() ? op.precedence() - 1 : op.precedence());
            left = new Expr.Binary(spanFrom(start), op, left, right);
        }
        depth -= entered;
        return left;
    }

    private static UnOp unaryOperator(TokenKind kind) {
        return switch (kind) {
            case MINUS -> UnOp.NEG;
            case BANG, NOT -> UnOp.NOT;
            default -> null;
        };
    }

    private static BinOp binaryOperator(TokenKind kind) {
        return switch (kind) {
            case OR, BARBAR -> BinOp.OR;
            case AND, AMPAMP -> BinOp.AND;
            case LT -> BinOp.LT;
            case LE -> BinOp.LE;
            case GT -> BinOp.GT;
            case GE -> BinOp.GE;
            case EQ -> BinOp.EQ;
            case NE -> BinOp.NE;
            case CONCAT -> BinOp.CONCAT;
            case PLUS -> BinOp.ADD;
            case MINUS -> BinOp.SUB;
            case STAR -> BinOp.MUL;
            case SLASH -> BinOp.DIV;
            case PERCENT -> BinOp.MOD;
            case CARET -> BinOp.POW;
            default -> null;
        };
    }

    /** The number token {@code t} (current) as a literal, negated when {@code negated}. */
    private Expr number(Token t, boolean negated, Token start) {
        IntLiteral.Result r = IntLiteral.parse(t.text(), negated);
        advance();
        if (!r.ok()) {
            diagnostics.error(span(t), r.error(), r.message());
        }
        return new Expr.Int(spanFrom(start), r.value());
    }

    private Expr simpleExpression() {
        Token t = tok;
        switch (t.kind()) {
            case NUMBER:
                return number(t, false, t);
            case STRING:
                advance();
                return new Expr.Str(span(t), t.text());
            case NIL:
                advance();
                return new Expr.Nil(span(t));
            case TRUE:
                advance();
                return new Expr.Bool(span(t), true);
            case FALSE:
                advance();
                return new Expr.Bool(span(t), false);
            case ELLIPSIS:
                advance();
                return new Expr.Vararg(span(t));
            case FUNCTION: {
                advance();
                FunctionBody body = functionBody();
                return new Expr.Function(spanFrom(t), body);
            }
            case LBRACE:
                return table();
            default:
                return suffixedExpression();
        }
    }

    private Expr primaryExpression() {
        Token t = tok;
        switch (t.kind()) {
            case NAME:
                advance();
                return new Expr.Name(span(t), t.text());
            case ARGEVENT:
                advance();
                return new Expr.EventVar(span(t), Expr.EventVar.Kind.ARGEVENT);
            case ARGNAME:
                advance();
                return new Expr.EventVar(span(t), Expr.EventVar.Kind.ARGNAME);
            case EVENT_ARG:
                advance();
                return new Expr.EventArg(span(t), (int) t.number());
            case LPAREN: {
                advance();
                boolean saved = noBraceCall;
                noBraceCall = false;
                Expr e = expression();
                noBraceCall = saved;
                if (tok.kind() != TokenKind.RPAREN) {
                    throw unexpected("')' to close '(' at " + t.line() + ":" + t.col());
                }
                advance();
                return e;
            }
            default:
                throw unexpected("an expression");
        }
    }

    /** A primary expression and its suffixes: {@code .name}, {@code [key]}, {@code :m(args)}, call arguments. */
    private Expr suffixedExpression() {
        Token start = tok;
        Expr e = primaryExpression();
        int entered = 0;
        while (true) {
            switch (tok.kind()) {
                case DOT -> {
                    advance();
                    Token name = tok;
                    String field = fieldName();
                    e = new Expr.Index(spanFrom(start), e, new Expr.Str(span(name), field));
                }
                case LBRACKET -> {
                    advance();
                    boolean saved = noBraceCall;
                    noBraceCall = false;
                    Expr key = expression();
                    noBraceCall = saved;
                    expect(TokenKind.RBRACKET, "']'");
                    e = new Expr.Index(spanFrom(start), e, key);
                }
                case COLON -> {
                    advance();
                    String method = fieldName();
                    if (!startsArguments()) {
                        throw unexpected("arguments after ':" + method + "'");
                    }
                    List<Expr> args = arguments();
                    e = new Expr.MethodCall(spanFrom(start), e, method, args);
                }
                case LPAREN -> {
                    List<Expr> args = arguments();
                    e = new Expr.Call(spanFrom(start), e, args);
                }
                case STRING, LBRACE -> {
                    // f "s" and f {t} call only on the callee's line: a '{' on a new line starts a
                    // block, and a string there is an error rather than a surprise call.
                    if (tok.newlineBefore() || (noBraceCall && tok.kind() == TokenKind.LBRACE)) {
                        depth -= entered;
                        return e;
                    }
                    List<Expr> args = arguments();
                    e = new Expr.Call(spanFrom(start), e, args);
                }
                default -> {
                    depth -= entered;
                    return e;
                }
            }
            enter();
            entered++;
        }
    }

    private boolean startsArguments() {
        return tok.kind() == TokenKind.LPAREN || tok.kind() == TokenKind.STRING || tok.kind() == TokenKind.LBRACE;
    }

    /** {@code (e, ...)}, a string literal, or a table constructor. */
    private List<Expr> arguments() {
        Token t = tok;
        switch (t.kind()) {
            case STRING:
                advance();
                return List.of(new Expr.Str(span(t), t.text()));
            case LBRACE:
                return List.of(table());
            default: {
                advance(); // '('
                if (accept(TokenKind.RPAREN)) {
                    return List.of();
                }
                boolean saved = noBraceCall;
                noBraceCall = false;
                List<Expr> args = expressionList();
                noBraceCall = saved;
                if (tok.kind() != TokenKind.RPAREN) {
                    throw unexpected("',' or ')' in the argument list opened at " + t.line() + ":" + t.col());
                }
                advance();
                return args;
            }
        }
    }

    private Expr table() {
        Token open = tok;
        advance();
        enter();
        boolean saved = noBraceCall;
        noBraceCall = false;
        List<TableField> fields = new ArrayList<>();
        while (tok.kind() != TokenKind.RBRACE) {
            Token fieldStart = tok;
            if (accept(TokenKind.LBRACKET)) {
                Expr key = expression();
                expect(TokenKind.RBRACKET, "']' after the table key");
                expect(TokenKind.ASSIGN, "'=' after the table key");
                Expr value = expression();
                fields.add(new TableField.Keyed(spanFrom(fieldStart), key, value));
            } else if (tok.kind() == TokenKind.NAME && peek().kind() == TokenKind.ASSIGN) {
                advance();
                advance();
                Expr value = expression();
                fields.add(new TableField.Keyed(spanFrom(fieldStart), new Expr.Str(span(fieldStart), fieldStart.text()), value));
            } else {
                Expr value = expression();
                fields.add(new TableField.Positional(spanFrom(fieldStart), value));
            }
            if (!accept(TokenKind.COMMA) && !accept(TokenKind.SEMI)) {
                break;
            }
        }
        if (tok.kind() != TokenKind.RBRACE) {
            throw unexpected("',' or '}' in the table opened at " + open.line() + ":" + open.col());
        }
        advance();
        noBraceCall = saved;
        depth--;
        return new Expr.Table(spanFrom(open), fields);
    }
}
