package io.ktap.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AstPrinterTest {

    private static final Span S = Span.NONE;

    private static Expr n(String name) {
        return new Expr.Name(S, name);
    }

    private static Expr i(long v) {
        return new Expr.Int(S, v);
    }

    private static Expr s(String v) {
        return new Expr.Str(S, v);
    }

    private static Expr bin(BinOp op, Expr l, Expr r) {
        return new Expr.Binary(S, op, l, r);
    }

    private static Expr neg(Expr e) {
        return new Expr.Unary(S, UnOp.NEG, e);
    }

    private static Expr not(Expr e) {
        return new Expr.Unary(S, UnOp.NOT, e);
    }

    private static Expr call(Expr callee, Expr... args) {
        return new Expr.Call(S, callee, List.of(args));
    }

    private static Stmt stmt(Expr call) {
        return new Stmt.ExprStmt(S, call);
    }

    private static String p(Expr e) {
        return AstPrinter.print(e);
    }

    @Test
    void literals() {
        assertEquals("nil", p(new Expr.Nil(S)));
        assertEquals("true", p(new Expr.Bool(S, true)));
        assertEquals("false", p(new Expr.Bool(S, false)));
        assertEquals("42", p(i(42)));
        assertEquals("9223372036854775807", p(i(Long.MAX_VALUE)));
        assertEquals("-1", p(i(-1)));
        assertEquals("-9223372036854775808", p(i(Long.MIN_VALUE)));
        assertEquals("...", p(new Expr.Vararg(S)));
        assertEquals("arg1", p(new Expr.EventArg(S, 1)));
        assertEquals("arg9", p(new Expr.EventArg(S, 9)));
        assertEquals("argevent", p(new Expr.EventVar(S, Expr.EventVar.Kind.ARGEVENT)));
        assertEquals("argname", p(new Expr.EventVar(S, Expr.EventVar.Kind.ARGNAME)));
    }

    @Test
    void stringsAreEscaped() {
        assertEquals("\"hello\"", p(s("hello")));
        assertEquals("\"a\\\"b\\\\c\"", p(s("a\"b\\c")));
        assertEquals("\"'\"", p(s("'")));
        assertEquals("\"\\n\\t\\r\"", p(s("\n\t\r")));
        assertEquals("\"\\x00\\x01\\x1b\\x7f\\x80\\xff\"", p(s("\0\u0001\u001b\u007f\u0080\u00ff")));
        assertEquals("\"caf\\xc3\\xa9\"", p(Expr.Str.text(S, "café")));
        assertEquals("\"--[[ not a comment\"", p(s("--[[ not a comment")));
    }

    @Test
    void minimalParentheses() {
        Expr a = n("a"), b = n("b"), c = n("c");
        assertEquals("a + b * c", p(bin(BinOp.ADD, a, bin(BinOp.MUL, b, c))));
        assertEquals("(a + b) * c", p(bin(BinOp.MUL, bin(BinOp.ADD, a, b), c)));
        assertEquals("a - b - c", p(bin(BinOp.SUB, bin(BinOp.SUB, a, b), c)));
        assertEquals("a - (b - c)", p(bin(BinOp.SUB, a, bin(BinOp.SUB, b, c))));
        assertEquals("a .. b .. c", p(bin(BinOp.CONCAT, a, bin(BinOp.CONCAT, b, c))));
        assertEquals("(a .. b) .. c", p(bin(BinOp.CONCAT, bin(BinOp.CONCAT, a, b), c)));
        assertEquals("a ^ b ^ c", p(bin(BinOp.POW, a, bin(BinOp.POW, b, c))));
        assertEquals("(a ^ b) ^ c", p(bin(BinOp.POW, bin(BinOp.POW, a, b), c)));
        assertEquals("a || b && c", p(bin(BinOp.OR, a, bin(BinOp.AND, b, c))));
        assertEquals("(a || b) && c", p(bin(BinOp.AND, bin(BinOp.OR, a, b), c)));
        assertEquals("a < b == true", p(bin(BinOp.EQ, bin(BinOp.LT, a, b), new Expr.Bool(S, true))));
        assertEquals("a < (b == c)", p(bin(BinOp.LT, a, bin(BinOp.EQ, b, c))));
        assertEquals("a .. b + c", p(bin(BinOp.CONCAT, a, bin(BinOp.ADD, b, c))));
        assertEquals("(a .. b) + c", p(bin(BinOp.ADD, bin(BinOp.CONCAT, a, b), c)));
        assertEquals("a % b / c", p(bin(BinOp.DIV, bin(BinOp.MOD, a, b), c)));
    }

    @Test
    void unaryOperators() {
        Expr a = n("a"), b = n("b");
        assertEquals("-a", p(neg(a)));
        assertEquals("!a", p(not(a)));
        assertEquals("- -a", p(neg(neg(a))));
        assertEquals("-(5)", p(neg(i(5))));
        assertEquals("- -(5)", p(neg(neg(i(5)))));
        assertEquals("- -5", p(neg(i(-5))));
        assertEquals("!-5", p(not(i(-5))));
        assertEquals("(-5) ^ a", p(bin(BinOp.POW, i(-5), a)));
        assertEquals("a ^ -5", p(bin(BinOp.POW, a, i(-5))));
        assertEquals("a ^ (-5) ^ b", p(bin(BinOp.POW, a, bin(BinOp.POW, i(-5), b))));
        assertEquals("-5 ^ a", p(neg(bin(BinOp.POW, i(5), a))));
        assertEquals("-5 - a", p(bin(BinOp.SUB, i(-5), a)));
        assertEquals("a - -5", p(bin(BinOp.SUB, a, i(-5))));
        assertEquals("(-5)[1]", p(new Expr.Index(S, i(-5), i(1))));
        assertEquals("!!a", p(not(not(a))));
        assertEquals("-!a", p(neg(not(a))));
        assertEquals("!-a", p(not(neg(a))));
        assertEquals("-(a + b)", p(neg(bin(BinOp.ADD, a, b))));
        assertEquals("-a + b", p(bin(BinOp.ADD, neg(a), b)));
        assertEquals("-a ^ b", p(neg(bin(BinOp.POW, a, b))));
        assertEquals("(-a) ^ b", p(bin(BinOp.POW, neg(a), b)));
        assertEquals("a ^ -b", p(bin(BinOp.POW, a, neg(b))));
        assertEquals("a - -b", p(bin(BinOp.SUB, a, neg(b))));
        assertEquals("a * -(b + a)", p(bin(BinOp.MUL, a, neg(bin(BinOp.ADD, b, a)))));
        assertEquals("!(a && b)", p(not(bin(BinOp.AND, a, b))));
        assertEquals("- -a ^ b", p(neg(neg(bin(BinOp.POW, a, b)))));
        assertEquals("-(-a) ^ b", p(neg(bin(BinOp.POW, neg(a), b))));
    }

    @Test
    void indexCallsAndTables() {
        Expr t = n("t");
        assertEquals("t.k", p(new Expr.Index(S, t, s("k"))));
        assertEquals("t[\"if\"]", p(new Expr.Index(S, t, s("if"))));
        assertEquals("t[\"arg1\"]", p(new Expr.Index(S, t, s("arg1"))));
        assertEquals("t[\"a b\"]", p(new Expr.Index(S, t, s("a b"))));
        assertEquals("t[1]", p(new Expr.Index(S, t, i(1))));
        assertEquals("t.a.b[c]", p(new Expr.Index(S, new Expr.Index(S, new Expr.Index(S, t, s("a")), s("b")), n("c"))));
        assertEquals("(a .. b)[1]", p(new Expr.Index(S, bin(BinOp.CONCAT, n("a"), n("b")), i(1))));
        assertEquals("(\"abc\")[1]", p(new Expr.Index(S, s("abc"), i(1))));
        assertEquals("(arg1)[1]", p(new Expr.Index(S, new Expr.EventArg(S, 1), i(1))));
        assertEquals("f()", p(call(n("f"))));
        assertEquals("f(1, \"x\", nil)", p(call(n("f"), i(1), s("x"), new Expr.Nil(S))));
        assertEquals("f(1)(2)", p(call(call(n("f"), i(1)), i(2))));
        assertEquals("table.new(4, 0)", p(call(new Expr.Index(S, n("table"), s("new")), i(4), i(0))));
        assertEquals("o:m(1)", p(new Expr.MethodCall(S, n("o"), "m", List.of(i(1)))));
        assertEquals("(\"x\"):len()", p(new Expr.MethodCall(S, s("x"), "len", List.of())));
        assertEquals("o:if()", p(new Expr.MethodCall(S, n("o"), "if", List.of())));
        assertThrows(IllegalArgumentException.class, () -> p(new Expr.MethodCall(S, n("o"), "a-b", List.of())));
        assertEquals("{}", p(new Expr.Table(S, List.of())));
        assertEquals("{1, 2, k = 3, [\"a b\"] = 4, [5] = 6}", p(new Expr.Table(S, List.of(
                new TableField.Positional(S, i(1)), new TableField.Positional(S, i(2)),
                new TableField.Keyed(S, s("k"), i(3)), new TableField.Keyed(S, s("a b"), i(4)),
                new TableField.Keyed(S, i(5), i(6))))));
    }

    @Test
    void functions() {
        Block body = Block.of(new Stmt.Return(S, List.of(bin(BinOp.ADD, n("a"), n("b")))));
        assertEquals("function (a, b) {\n\treturn a + b\n}",
                p(new Expr.Function(S, new FunctionBody(S, List.of("a", "b"), false, body))));
        assertEquals("function (...) {\n}",
                p(new Expr.Function(S, new FunctionBody(S, List.of(), true, Block.of()))));
        assertEquals("function (a, ...) {\n}",
                p(new Expr.Function(S, new FunctionBody(S, List.of("a"), true, Block.of()))));
        assertEquals("(function () {\n})()",
                p(call(new Expr.Function(S, new FunctionBody(S, List.of(), false, Block.of())))));
        assertEquals("function f.g:m(x) {\n\treturn a + b\n}", AstPrinter.print(new Stmt.FunctionDecl(S,
                List.of("f", "g"), "m", new FunctionBody(S, List.of("x"), false, body))));
        assertEquals("function f.while:end() {\n}", AstPrinter.print(new Stmt.FunctionDecl(S,
                List.of("f", "while"), "end", new FunctionBody(S, List.of(), false, Block.of()))));
        assertThrows(IllegalArgumentException.class, () -> AstPrinter.print(new Stmt.FunctionDecl(S,
                List.of("while"), null, new FunctionBody(S, List.of(), false, Block.of()))));
    }

    @Test
    void statements() {
        Block pr = Block.of(stmt(call(n("print"), n("x"))));
        assertEquals("var a, b = 1, 2", AstPrinter.print(new Stmt.Var(S, List.of("a", "b"), List.of(i(1), i(2)))));
        assertEquals("var a", AstPrinter.print(new Stmt.Var(S, List.of("a"), List.of())));
        assertEquals("a, t[1] = 1, 2", AstPrinter.print(new Stmt.Assign(S, List.of(n("a"),
                new Expr.Index(S, n("t"), i(1))), List.of(i(1), i(2)))));
        assertEquals("s[argname] += 1", AstPrinter.print(new Stmt.CompoundAssign(S,
                new Expr.Index(S, n("s"), new Expr.EventVar(S, Expr.EventVar.Kind.ARGNAME)), BinOp.ADD, i(1))));
        assertEquals("x ..= \"a\"", AstPrinter.print(new Stmt.CompoundAssign(S, n("x"), BinOp.CONCAT, s("a"))));
        assertEquals("{\n\tprint(x)\n}", AstPrinter.print(new Stmt.Do(S, pr)));
        assertEquals("if (x) {\n\tprint(x)\n}", AstPrinter.print(new Stmt.If(S, List.of(new Stmt.If.Arm(n("x"), pr)), null)));
        assertEquals("if (x) {\n\tprint(x)\n} elseif (y) {\n} else {\n}", AstPrinter.print(new Stmt.If(S,
                List.of(new Stmt.If.Arm(n("x"), pr), new Stmt.If.Arm(n("y"), Block.of())), Block.of())));
        assertEquals("while (x < 10) {\n\tbreak\n}", AstPrinter.print(new Stmt.While(S,
                bin(BinOp.LT, n("x"), i(10)), Block.of(new Stmt.Break(S)))));
        assertEquals("repeat {\n\tprint(x)\n} until (x)", AstPrinter.print(new Stmt.Repeat(S, pr, n("x"))));
        assertEquals("for (i = 1, 10) {\n}", AstPrinter.print(new Stmt.NumericFor(S, "i", i(1), i(10), null, Block.of())));
        assertEquals("for (i = 10, 1, -1) {\n}", AstPrinter.print(new Stmt.NumericFor(S, "i", i(10), i(1), i(-1), Block.of())));
        assertEquals("for (i = 0; i < n; i += 2) {\n}", AstPrinter.print(new Stmt.CFor(S, "i", i(0),
                bin(BinOp.LT, n("i"), n("n")), new Stmt.CompoundAssign(S, n("i"), BinOp.ADD, i(2)), Block.of())));
        assertEquals("for (k, v in pairs(t)) {\n\tprint(x)\n}", AstPrinter.print(new Stmt.ForIn(S, List.of("k", "v"),
                List.of(call(n("pairs"), n("t"))), pr)));
        assertEquals("return", AstPrinter.print(new Stmt.Return(S, List.of())));
        assertEquals("return 1, 2", AstPrinter.print(new Stmt.Return(S, List.of(i(1), i(2)))));
    }

    @Test
    void probeBlocks() {
        Block pr = Block.of(stmt(call(n("print"), new Expr.EventVar(S, Expr.EventVar.Kind.ARGEVENT))));
        assertEquals("trace *:* {\n\tprint(argevent)\n}", AstPrinter.print(new Stmt.Trace(S,
                List.of(ProbeSpecs.parse("*:*")), null, pr)));
        assertEquals("trace ftrace:function /ip==mutex*/ {\n\tprint(argevent)\n}", AstPrinter.print(new Stmt.Trace(S,
                List.of(new Probe.FtraceFunction(S)), "ip==mutex*", pr)));
        assertEquals("trace probe:do_sys_open dfd=%di, syscalls:sys_enter_open {\n}", AstPrinter.print(new Stmt.Trace(S,
                List.of(ProbeSpecs.parse("probe:do_sys_open dfd=%di"), ProbeSpecs.parse("syscalls:sys_enter_open")),
                null, Block.of())));
        assertEquals("tick-1ms {\n}", AstPrinter.print(new Stmt.Trace(S,
                List.of(new Probe.Timer(S, Probe.Timer.Kind.TICK, Duration.ofMillis(1))), null, Block.of())));
        assertEquals("profile-2s {\n}", AstPrinter.print(new Stmt.Trace(S,
                List.of(new Probe.Timer(S, Probe.Timer.Kind.PROFILE, Duration.ofSeconds(2))), null, Block.of())));
        assertEquals("trace_end {\n\tprint(argevent)\n}", AstPrinter.print(new Stmt.TraceEnd(S, pr)));
        assertEquals("probe:/lib/libc.so.6:malloc%return", AstPrinter.print(ProbeSpecs.parse("probe:/lib/libc.so.6:malloc%return")));
    }

    @Test
    void wholeProgramNestsWithTabs() {
        Program prog = new Program(S, Block.of(
                new Stmt.Var(S, List.of("s"), List.of(new Expr.Table(S, List.of()))),
                new Stmt.Trace(S, List.of(ProbeSpecs.parse("syscalls:sys_enter_*")), null, Block.of(
                        new Stmt.If(S, List.of(new Stmt.If.Arm(n("s"), Block.of(
                                new Stmt.CompoundAssign(S, new Expr.Index(S, n("s"), new Expr.EventVar(S, Expr.EventVar.Kind.ARGNAME)),
                                        BinOp.ADD, i(1))))), null))),
                new Stmt.TraceEnd(S, Block.of(stmt(call(n("histogram"), n("s")))))));
        assertEquals("""
                var s = {}
                trace syscalls:sys_enter_* {
                \tif (s) {
                \t\ts[argname] += 1
                \t}
                }
                trace_end {
                \thistogram(s)
                }
                """, AstPrinter.print(prog));
    }

    @Test
    void statementStartingWithParenthesisEndsThePreviousOne() {
        Program prog = new Program(S, Block.of(
                stmt(call(n("f"))),
                stmt(call(new Expr.Function(S, new FunctionBody(S, List.of(), false, Block.of())))),
                new Stmt.Assign(S, List.of(new Expr.Index(S, s("x"), i(1))), List.of(i(2)))));
        assertEquals("f();\n(function () {\n})();\n(\"x\")[1] = 2\n", AstPrinter.print(prog));
    }

    @ParameterizedTest
    @ValueSource(strings = {"if", "nil", "elseif", "trace", "trace_end", "argevent", "argstr", "arg1", "arg0", "1x", "a b", ""})
    void unprintableNamesAreRejected(String word) {
        assertThrows(IllegalArgumentException.class, () -> p(n(word)));
        assertThrows(IllegalArgumentException.class, () -> AstPrinter.print(new Stmt.Var(S, List.of(word), List.of())));
    }

    @Test
    void unprintableFiltersAreRejected() {
        for (String filter : new String[] {"a/b", "a\nb", "", " a", "a{", "}"}) {
            Stmt t = new Stmt.Trace(S, List.of(new Probe.FtraceFunction(S)), filter, Block.of());
            assertThrows(IllegalArgumentException.class, () -> AstPrinter.print(t), filter);
        }
    }

    @Test
    void printNodeDispatches() {
        assertEquals("x", AstPrinter.print((Node) n("x")));
        assertEquals("break", AstPrinter.print((Node) new Stmt.Break(S)));
        assertEquals("ftrace:function", AstPrinter.print((Node) new Probe.FtraceFunction(S)));
        assertEquals("{\n}", AstPrinter.print((Node) Block.of()));
        assertEquals("k = 1", AstPrinter.print((Node) new TableField.Keyed(S, s("k"), i(1))));
        assertEquals("(a) {\n}", AstPrinter.print((Node) new FunctionBody(S, List.of("a"), false, Block.of())));
        assertEquals("", AstPrinter.print((Node) new Program(S, Block.of())));
    }
}
