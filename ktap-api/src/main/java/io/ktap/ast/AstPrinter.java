package io.ktap.ast;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns an AST back into ktap script text that parses to an equal AST.
 *
 * <p>The text is canonical: one statement per line, a tab per nesting level, braces on the line
 * that opens them, {@code &&}/{@code ||}/{@code !} rather than the word aliases, {@code argevent}
 * and {@code argname} rather than {@code argstr} and {@code probename}, {@code elseif},
 * {@code t.k} for keys that are identifiers, probes in {@link ProbeSpecs#format canonical form}.
 * Parentheses appear only where precedence and associativity need them, plus around any
 * expression used as the target of an index or call that is not itself a name, index or call.
 * Strings are double-quoted; {@code \n}, {@code \t}, {@code \r}, {@code \\} and {@code \"} use
 * their escapes, every other control byte and every byte from {@code 0x80} up is {@code \xNN}.
 * A negative {@link Expr.Int} prints as {@code -5}, which the parser reads back as the literal
 * (not as a negation); a negation of a literal prints as {@code -(5)} so that it stays one.
 *
 * <p>Some ASTs have no text: a name that is a keyword or not an identifier, a filter that is blank,
 * has surrounding whitespace or holds a {@code /}, a brace or a line break, a probe that {@link ProbeSpecs#validate} rejects. Printing one throws
 * {@link IllegalArgumentException}.
 */
public final class AstPrinter {

    /** Words the lexer reserves: they cannot be names, fields written {@code t.k}, or parameters. */
    public static final Set<String> KEYWORDS = Set.of(
            "and", "break", "else", "elseif", "false", "for", "function", "if", "in", "nil", "not", "or",
            "repeat", "return", "true", "until", "while", "var", "trace", "trace_end", "argevent", "argstr",
            "argname", "probename");

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** {@code arg0}..{@code arg9}: event-argument words, never plain names. */
    private static final Pattern EVENT_ARG_WORD = Pattern.compile("arg[0-9]");

    /** The precedence of expressions that never need parentheses. */
    private static final int ATOM = 10;

    private final StringBuilder out = new StringBuilder();
    private int depth;

    private AstPrinter() {
    }

    /** Whether {@code word} can be written as a name, a parameter or a {@code t.k} field. */
    public static boolean isName(String word) {
        return IDENTIFIER.matcher(word).matches() && !KEYWORDS.contains(word)
                && !EVENT_ARG_WORD.matcher(word).matches();
    }

    /** The whole program, each top-level statement on its own line, ending in a newline. */
    public static String print(Program program) {
        AstPrinter p = new AstPrinter();
        p.statements(program.body().statements());
        return p.out.toString();
    }

    /** One statement (several lines for compound statements), without a trailing newline. */
    public static String print(Stmt stmt) {
        AstPrinter p = new AstPrinter();
        p.statement(stmt);
        return p.out.toString();
    }

    /** One expression. */
    public static String print(Expr expr) {
        AstPrinter p = new AstPrinter();
        p.expr(expr);
        return p.out.toString();
    }

    /** One probe, in {@link ProbeSpecs#format canonical form}. */
    public static String print(Probe probe) {
        return ProbeSpecs.format(probe);
    }

    /** Any node: a program, statement, expression, probe, block ({@code { ... }}) or function body. */
    public static String print(Node node) {
        Objects.requireNonNull(node, "node");
        if (node instanceof Program p) {
            return print(p);
        } else if (node instanceof Stmt s) {
            return print(s);
        } else if (node instanceof Expr e) {
            return print(e);
        } else if (node instanceof Probe p) {
            return print(p);
        } else if (node instanceof Block b) {
            AstPrinter p = new AstPrinter();
            p.block(b);
            return p.out.toString();
        } else if (node instanceof FunctionBody f) {
            AstPrinter p = new AstPrinter();
            p.function(f);
            return p.out.toString();
        } else if (node instanceof TableField f) {
            AstPrinter p = new AstPrinter();
            p.field(f);
            return p.out.toString();
        }
        throw new IllegalArgumentException("unknown node " + node);
    }

    /** The double-quoted literal of a ktap byte string (chars 0-255). */
    public static String quote(String bytes) {
        StringBuilder sb = new StringBuilder(bytes.length() + 2).append('"');
        for (int i = 0; i < bytes.length(); i++) {
            char c = bytes.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        if (c > 0xff) {
                            throw new IllegalArgumentException("string holds a char above 0xff: U+"
                                    + Integer.toHexString(c));
                        }
                        sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    // ---------------------------------------------------------------- statements

    private void statements(List<Stmt> statements) {
        for (int i = 0; i < statements.size(); i++) {
            indent();
            statement(statements.get(i));
            // A statement starting with '(' would continue the previous one as a call
            // (the ambiguity Lua reports): end the previous statement explicitly.
            if (i + 1 < statements.size() && startsWithParen(statements.get(i + 1))) {
                out.append(';');
            }
            out.append('\n');
        }
    }

    private void indent() {
        for (int i = 0; i < depth; i++) {
            out.append('\t');
        }
    }

    /** {@code {}, then the statements one level deeper, then {@code }} at this level. */
    private void block(Block block) {
        out.append("{\n");
        depth++;
        statements(block.statements());
        depth--;
        indent();
        out.append('}');
    }

    private void statement(Stmt stmt) {
        stmt.accept(statementPrinter);
    }

    private final Stmt.Visitor<Void> statementPrinter = new Stmt.Visitor<>() {
        @Override
        public Void visitVar(Stmt.Var s) {
            out.append("var ");
            names(s.names());
            if (!s.values().isEmpty()) {
                out.append(" = ");
                exprs(s.values());
            }
            return null;
        }

        @Override
        public Void visitAssign(Stmt.Assign s) {
            exprs(s.targets());
            out.append(" = ");
            exprs(s.values());
            return null;
        }

        @Override
        public Void visitCompoundAssign(Stmt.CompoundAssign s) {
            expr(s.target());
            out.append(' ').append(s.op().symbol()).append("= ");
            expr(s.value());
            return null;
        }

        @Override
        public Void visitExprStmt(Stmt.ExprStmt s) {
            expr(s.call());
            return null;
        }

        @Override
        public Void visitDo(Stmt.Do s) {
            block(s.body());
            return null;
        }

        @Override
        public Void visitIf(Stmt.If s) {
            for (int i = 0; i < s.arms().size(); i++) {
                Stmt.If.Arm arm = s.arms().get(i);
                out.append(i == 0 ? "if (" : " elseif (");
                expr(arm.condition());
                out.append(") ");
                block(arm.body());
            }
            if (s.orElse() != null) {
                out.append(" else ");
                block(s.orElse());
            }
            return null;
        }

        @Override
        public Void visitWhile(Stmt.While s) {
            out.append("while (");
            expr(s.condition());
            out.append(") ");
            block(s.body());
            return null;
        }

        @Override
        public Void visitRepeat(Stmt.Repeat s) {
            out.append("repeat ");
            block(s.body());
            out.append(" until (");
            expr(s.condition());
            out.append(')');
            return null;
        }

        @Override
        public Void visitNumericFor(Stmt.NumericFor s) {
            out.append("for (").append(name(s.var())).append(" = ");
            expr(s.start());
            out.append(", ");
            expr(s.limit());
            if (s.step() != null) {
                out.append(", ");
                expr(s.step());
            }
            out.append(") ");
            block(s.body());
            return null;
        }

        @Override
        public Void visitCFor(Stmt.CFor s) {
            out.append("for (").append(name(s.var())).append(" = ");
            expr(s.init());
            out.append("; ");
            expr(s.condition());
            out.append("; ");
            statement(s.update());
            out.append(") ");
            block(s.body());
            return null;
        }

        @Override
        public Void visitForIn(Stmt.ForIn s) {
            out.append("for (");
            names(s.names());
            out.append(" in ");
            exprs(s.iterators());
            out.append(") ");
            block(s.body());
            return null;
        }

        @Override
        public Void visitFunctionDecl(Stmt.FunctionDecl s) {
            out.append("function ");
            for (int i = 0; i < s.path().size(); i++) {
                out.append(i == 0 ? name(s.path().get(i)) : "." + field(s.path().get(i)));
            }
            if (s.method() != null) {
                out.append(':').append(field(s.method()));
            }
            function(s.function());
            return null;
        }

        @Override
        public Void visitReturn(Stmt.Return s) {
            out.append("return");
            if (!s.values().isEmpty()) {
                out.append(' ');
                exprs(s.values());
            }
            return null;
        }

        @Override
        public Void visitBreak(Stmt.Break s) {
            out.append("break");
            return null;
        }

        @Override
        public Void visitTrace(Stmt.Trace s) {
            if (s.probes().get(0) instanceof Probe.Timer timer) {
                out.append(ProbeSpecs.format(timer)).append(' ');
                block(s.body());
                return null;
            }
            out.append("trace ");
            for (int i = 0; i < s.probes().size(); i++) {
                out.append(i == 0 ? "" : ", ").append(ProbeSpecs.format(s.probes().get(i)));
            }
            if (s.filter() != null) {
                if (s.filter().isEmpty() || !s.filter().strip().equals(s.filter())
                        || s.filter().chars().anyMatch(c -> c == '/' || c == '{' || c == '}' || c == '\n' || c == '\r')) {
                    throw new IllegalArgumentException("an event filter cannot be written between slashes: '"
                            + s.filter() + "'");
                }
                out.append(" /").append(s.filter()).append('/');
            }
            out.append(' ');
            block(s.body());
            return null;
        }

        @Override
        public Void visitTraceEnd(Stmt.TraceEnd s) {
            out.append("trace_end ");
            block(s.body());
            return null;
        }
    };

    /** {@code (params) { body }}, the part of a function after {@code function} or its name. */
    private void function(FunctionBody f) {
        out.append('(');
        names(f.params());
        if (f.variadic()) {
            out.append(f.params().isEmpty() ? "..." : ", ...");
        }
        out.append(") ");
        block(f.body());
    }

    private void names(List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(name(names.get(i)));
        }
    }

    private static String name(String word) {
        if (!isName(word)) {
            throw new IllegalArgumentException("'" + word + "' cannot be written as a name");
        }
        return word;
    }

    /** A field or method name after {@code .} or {@code :}, where keywords are allowed too. */
    private static String field(String word) {
        if (!isFieldName(word)) {
            throw new IllegalArgumentException("'" + word + "' cannot be written as a field or method name");
        }
        return word;
    }

    /** Whether {@code word} can follow {@code .} or {@code :}: any identifier, keywords included. */
    public static boolean isFieldName(String word) {
        return IDENTIFIER.matcher(word).matches();
    }

    private static boolean startsWithParen(Stmt s) {
        Expr first;
        if (s instanceof Stmt.ExprStmt e) {
            first = e.call();
        } else if (s instanceof Stmt.Assign a) {
            first = a.targets().get(0);
        } else if (s instanceof Stmt.CompoundAssign c) {
            first = c.target();
        } else {
            return false;
        }
        while (true) {
            if (first instanceof Expr.Call c) {
                first = c.callee();
            } else if (first instanceof Expr.MethodCall m) {
                first = m.receiver();
            } else if (first instanceof Expr.Index i) {
                first = i.target();
            } else {
                return !isPrefix(first);
            }
            if (!isPrefix(first)) {
                return true;
            }
        }
    }

    // ---------------------------------------------------------------- expressions

    private void exprs(List<Expr> exprs) {
        for (int i = 0; i < exprs.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            expr(exprs.get(i));
        }
    }

    private void expr(Expr e) {
        e.accept(expressionPrinter);
    }

    /** Prints {@code e}, parenthesised when it binds looser than the context needs. */
    private void operand(Expr e, boolean parenthesise) {
        if (parenthesise) {
            out.append('(');
            expr(e);
            out.append(')');
        } else {
            expr(e);
        }
    }

    private static int precedence(Expr e) {
        if (e instanceof Expr.Binary b) {
            return b.op().precedence();
        }
        if (e instanceof Expr.Unary || isNegativeLiteral(e)) {
            return BinOp.UNARY_PRECEDENCE;
        }
        return ATOM;
    }

    /** A literal printed with a leading minus: it groups like a unary expression ({@code (-5) ^ 2}). */
    private static boolean isNegativeLiteral(Expr e) {
        return e instanceof Expr.Int i && i.value() < 0;
    }

    /** Names, indexes and calls: what may stand before {@code [k]}, {@code .k}, {@code (args)}. */
    private static boolean isPrefix(Expr e) {
        return e instanceof Expr.Name || e instanceof Expr.Index || e instanceof Expr.Call
                || e instanceof Expr.MethodCall;
    }

    private void prefix(Expr e) {
        operand(e, !isPrefix(e));
    }

    private final Expr.Visitor<Void> expressionPrinter = new Expr.Visitor<>() {
        @Override
        public Void visitNil(Expr.Nil e) {
            out.append("nil");
            return null;
        }

        @Override
        public Void visitBool(Expr.Bool e) {
            out.append(e.value());
            return null;
        }

        @Override
        public Void visitInt(Expr.Int e) {
            out.append(e.value());
            return null;
        }

        @Override
        public Void visitStr(Expr.Str e) {
            out.append(quote(e.value()));
            return null;
        }

        @Override
        public Void visitVararg(Expr.Vararg e) {
            out.append("...");
            return null;
        }

        @Override
        public Void visitName(Expr.Name e) {
            out.append(name(e.name()));
            return null;
        }

        @Override
        public Void visitIndex(Expr.Index e) {
            prefix(e.target());
            if (e.key() instanceof Expr.Str s && isName(s.value())) {
                out.append('.').append(s.value());
            } else {
                out.append('[');
                expr(e.key());
                out.append(']');
            }
            return null;
        }

        @Override
        public Void visitCall(Expr.Call e) {
            prefix(e.callee());
            arguments(e.args());
            return null;
        }

        @Override
        public Void visitMethodCall(Expr.MethodCall e) {
            prefix(e.receiver());
            out.append(':').append(field(e.method()));
            arguments(e.args());
            return null;
        }

        @Override
        public Void visitFunction(Expr.Function e) {
            out.append("function ");
            function(e.body());
            return null;
        }

        @Override
        public Void visitTable(Expr.Table e) {
            out.append('{');
            for (int i = 0; i < e.fields().size(); i++) {
                out.append(i == 0 ? "" : ", ");
                field(e.fields().get(i));
            }
            out.append('}');
            return null;
        }

        @Override
        public Void visitBinary(Expr.Binary e) {
            int p = e.op().precedence();
            boolean right = e.op().rightAssociative();
            int lp = precedence(e.left());
            // -x ^ y is -(x ^ y): a unary left operand of a tighter operator needs parentheses.
            operand(e.left(), right ? lp <= p : lp < p);
            out.append(' ').append(e.op().symbol()).append(' ');
            // A unary right operand never needs them: the operator already began a new operand.
            int rp = precedence(e.right());
            boolean unary = e.right() instanceof Expr.Unary || isNegativeLiteral(e.right());
            operand(e.right(), !unary && (right ? rp < p : rp <= p));
            return null;
        }

        @Override
        public Void visitUnary(Expr.Unary e) {
            out.append(e.op().symbol());
            // "- -x" not "--x", which would start a comment.
            if (e.op() == UnOp.NEG && startsWithMinus(e.operand())) {
                out.append(' ');
            }
            Expr operand = e.operand();
            // "-5" reads back as the literal -5, so a negated literal keeps its parentheses: -(5).
            boolean literal = e.op() == UnOp.NEG && operand instanceof Expr.Int;
            operand(operand, literal && !isNegativeLiteral(operand)
                    || !(operand instanceof Expr.Unary) && precedence(operand) < BinOp.UNARY_PRECEDENCE);
            return null;
        }

        @Override
        public Void visitEventArg(Expr.EventArg e) {
            out.append("arg").append(e.index());
            return null;
        }

        @Override
        public Void visitEventVar(Expr.EventVar e) {
            out.append(e.kind().keyword());
            return null;
        }
    };

    private void arguments(List<Expr> args) {
        out.append('(');
        exprs(args);
        out.append(')');
    }

    private void field(TableField f) {
        if (f instanceof TableField.Keyed k) {
            if (k.key() instanceof Expr.Str s && isName(s.value())) {
                out.append(s.value());
            } else {
                out.append('[');
                expr(k.key());
                out.append(']');
            }
            out.append(" = ");
            expr(k.value());
        } else {
            expr(((TableField.Positional) f).value());
        }
    }

    /** Whether the printed text of {@code e} begins with '-'. */
    private static boolean startsWithMinus(Expr e) {
        while (true) {
            if (e instanceof Expr.Unary u) {
                return u.op() == UnOp.NEG;
            }
            if (isNegativeLiteral(e)) {
                return true;
            }
            if (e instanceof Expr.Binary b && precedence(b.left()) >= b.op().precedence()) {
                // the left operand is printed without parentheses; look at where it begins
                if (b.op().rightAssociative() && precedence(b.left()) == b.op().precedence()) {
                    return false;
                }
                e = b.left();
                continue;
            }
            return false;
        }
    }
}
