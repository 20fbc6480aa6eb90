package io.ktap.compiler;

import io.ktap.ast.BinOp;
import io.ktap.ast.Block;
import io.ktap.ast.Expr;
import io.ktap.ast.Probe;
import io.ktap.ast.Program;
import io.ktap.ast.Span;
import io.ktap.ast.Stmt;
import io.ktap.ast.UnOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;

import static io.ktap.compiler.Ast.S;
import static io.ktap.compiler.Ast.assign;
import static io.ktap.compiler.Ast.bin;
import static io.ktap.compiler.Ast.block;
import static io.ktap.compiler.Ast.call;
import static io.ktap.compiler.Ast.field;
import static io.ktap.compiler.Ast.fn;
import static io.ktap.compiler.Ast.index;
import static io.ktap.compiler.Ast.keyed;
import static io.ktap.compiler.Ast.name;
import static io.ktap.compiler.Ast.num;
import static io.ktap.compiler.Ast.pos;
import static io.ktap.compiler.Ast.stmt;
import static io.ktap.compiler.Ast.str;
import static io.ktap.compiler.Ast.table;
import static io.ktap.compiler.Ast.un;
import static io.ktap.compiler.Ast.var;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParserTest {

    /** Compiles {@code source} after declaring the globals a..z and t, and returns its statements. */
    static List<Stmt> parse(String source) {
        CompileResult r = KtapCompiler.compile("test.kp", "var a, b, c, d, f, g, t, x, y, obj\n" + source);
        Program p = r.programOrThrow();
        List<Stmt> all = p.body().statements();
        return all.subList(1, all.size());
    }

    static Stmt one(String source) {
        List<Stmt> stmts = parse(source);
        assertEquals(1, stmts.size(), () -> "statements of " + source + ": " + stmts);
        return stmts.get(0);
    }

    /** The expression {@code e} as parsed from {@code x = e}. */
    static Expr expr(String e) {
        return ((Stmt.Assign) one("x = " + e)).values().get(0);
    }

    @Test
    void fieldAccessIsIndexByString() {
        assertEquals(field(name("t"), "k"), expr("t.k"));
        assertEquals(expr("t[\"k\"]"), expr("t.k"));
        assertEquals(field(field(name("t"), "a"), "b"), expr("t.a.b"));
        assertEquals(field(name("t"), "if"), expr("t.if"), "keywords are field names after '.'");
    }

    @Test
    void parenthesesOnlyGroup() {
        assertEquals(name("a"), expr("(a)"));
        assertEquals(name("a"), expr("((((a))))"));
        assertEquals(bin(BinOp.MUL, bin(BinOp.ADD, num(1), num(2)), num(3)), expr("(1 + 2) * 3"));
    }

    @Test
    void negativeLiteralsFoldButNegatedGroupsDoNot() {
        assertEquals(num(-5), expr("-5"));
        assertEquals(num(Long.MIN_VALUE), expr("-9223372036854775808"));
        assertEquals(num(-16), expr("-0x10"));
        assertEquals(un(UnOp.NEG, num(5)), expr("-(5)"));
        assertEquals(un(UnOp.NEG, num(-5)), expr("- -5"));
        assertEquals(un(UnOp.NEG, bin(BinOp.POW, num(2), num(2))), expr("-2 ^ 2"), "^ binds tighter than unary minus");
        assertEquals(bin(BinOp.SUB, num(1), num(1)), expr("1 -1"));
    }

    @Test
    void integerLiterals() {
        assertEquals(num(255), expr("0xff"));
        assertEquals(num(255), expr("0XFF"));
        assertEquals(num(8), expr("010"));
        assertEquals(num(0), expr("0"));
        assertEquals(num(-1), expr("0xffffffffffffffff"));
        assertEquals(num(Long.MAX_VALUE), expr("9223372036854775807"));
    }

    @ParameterizedTest
    @EnumSource(BinOp.class)
    void everyOperatorAgainstEveryOtherGroupsByPrecedenceAndAssociativity(BinOp first) {
        for (BinOp second : BinOp.values()) {
            String source = "a " + first.symbol() + " b " + second.symbol() + " c";
            boolean leftFirst = first.precedence() > second.precedence()
                    || (first.precedence() == second.precedence() && !first.rightAssociative());
            Expr expected = leftFirst
                    ? bin(second, bin(first, name("a"), name("b")), name("c"))
                    : bin(first, name("a"), bin(second, name("b"), name("c")));
            assertEquals(expected, expr(source), source);
        }
    }

    @Test
    void rightAssociativeOperators() {
        assertEquals(bin(BinOp.CONCAT, str("a"), bin(BinOp.CONCAT, str("b"), str("c"))), expr("'a' .. 'b' .. 'c'"));
        assertEquals(bin(BinOp.POW, num(2), bin(BinOp.POW, num(3), num(2))), expr("2 ^ 3 ^ 2"));
    }

    @Test
    void keywordAliases() {
        assertEquals(expr("a && b"), expr("a and b"));
        assertEquals(expr("a || b"), expr("a or b"));
        assertEquals(expr("!a"), expr("not a"));
        assertEquals(un(UnOp.NOT, un(UnOp.NOT, name("a"))), expr("!!a"));
    }

    @Test
    void eventVariablesAndTheirAliases() {
        Stmt.Trace trace = (Stmt.Trace) one("trace syscalls:* { x = argevent; x = argstr; x = argname; x = probename; "
                + "x = arg1; x = arg9 }");
        List<Stmt> body = trace.body().statements();
        Expr argevent = new Expr.EventVar(S, Expr.EventVar.Kind.ARGEVENT);
        Expr argname = new Expr.EventVar(S, Expr.EventVar.Kind.ARGNAME);
        assertEquals(List.of(assign(name("x"), argevent), assign(name("x"), argevent), assign(name("x"), argname),
                assign(name("x"), argname), assign(name("x"), new Expr.EventArg(S, 1)),
                assign(name("x"), new Expr.EventArg(S, 9))), body);
    }

    @Test
    void bareWordBuiltinsStayNames() {
        assertEquals(name("pid"), expr("pid"));
        assertEquals(call("pid"), expr("pid()"));
        assertEquals(name("execname"), expr("execname"));
    }

    @Test
    void callForms() {
        assertEquals(stmt(call("print", str("s"))), one("print \"s\""));
        assertEquals(stmt(call("print", str("s"))), one("print [[s]]"));
        assertEquals(stmt(call("print", table(pos(num(1))))), one("print {1}"));
        assertEquals(stmt(call(call("f", str("a")), str("b"))), one("f 'a' 'b'"));
        assertEquals(stmt(new Expr.MethodCall(S, name("obj"), "m", List.of())), one("obj:m()"));
        assertEquals(stmt(new Expr.MethodCall(S, name("obj"), "m", List.of(str("s")))), one("obj:m 's'"));
        assertEquals(stmt(new Expr.MethodCall(S, new Expr.MethodCall(S, name("obj"), "m", List.of()), "n",
                List.of(num(1)))), one("obj:m():n(1)"));
        assertEquals(stmt(call(field(name("kdebug"), "probe_end"), name("f"))), one("kdebug.probe_end(f)"));
    }

    @Test
    void braceOnANewLineStartsABlockNotACall() {
        List<Stmt> stmts = parse("x = y\n{ print(1) }");
        assertEquals(List.of(assign(name("x"), name("y")), new Stmt.Do(S, block(stmt(call("print", num(1)))))), stmts);
        assertEquals(List.of(assign(name("x"), call("y", table(pos(call("print", num(1))))))),
                parse("x = y { print(1) }"));
    }

    @Test
    void conditionBraceIsTheBlock() {
        Stmt.If s = (Stmt.If) one("if (x) { print(1) }");
        assertEquals(name("x"), s.arms().get(0).condition());
        assertEquals(one("if (f{1}) { }"), new Stmt.If(S, List.of(new Stmt.If.Arm(call("f", table(pos(num(1)))), block())), null));
        assertEquals(bin(BinOp.AND, name("a"), name("b")), ((Stmt.If) one("if (a) && (b) { }")).arms().get(0).condition());
        assertEquals(name("x"), ((Stmt.While) one("while (x) { break }")).condition());
    }

    @Test
    void ifChainsAndElseIf() {
        Stmt expected = new Stmt.If(S, List.of(
                new Stmt.If.Arm(name("a"), block(stmt(call("print", num(1))))),
                new Stmt.If.Arm(name("b"), block(stmt(call("print", num(2)))))),
                block(stmt(call("print", num(3)))));
        assertEquals(expected, one("if (a) { print(1) } elseif (b) { print(2) } else { print(3) }"));
        assertEquals(expected, one("if (a) { print(1) } else if (b) { print(2) } else { print(3) }"));
        assertEquals(new Stmt.If(S, List.of(new Stmt.If.Arm(name("a"), block())), block(
                new Stmt.If(S, List.of(new Stmt.If.Arm(name("b"), block())), null))),
                one("if (a) { } else { if (b) { } }"), "an explicit else block keeps its nested if");
    }

    @Test
    void assignments() {
        assertEquals(new Stmt.Assign(S, List.of(name("a"), index(name("t"), num(1)), field(name("t"), "k")),
                List.of(num(1), num(2))), one("a, t[1], t.k = 1, 2"));
        BinOp[] ops = {BinOp.ADD, BinOp.SUB, BinOp.MUL, BinOp.DIV, BinOp.MOD, BinOp.POW, BinOp.CONCAT};
        String[] spellings = {"+=", "-=", "*=", "/=", "%=", "^=", "..="};
        for (int i = 0; i < ops.length; i++) {
            assertEquals(new Stmt.CompoundAssign(S, index(name("t"), name("x")), ops[i], num(1)),
                    one("t[x] " + spellings[i] + " 1"), spellings[i]);
        }
    }

    @Test
    void varDeclarations() {
        assertEquals(new Stmt.Var(S, List.of("p", "q"), List.of()), one("var p, q"));
        assertEquals(new Stmt.Var(S, List.of("p", "q"), List.of(num(1), num(2))), one("var p, q = 1, 2"));
    }

    @Test
    void loops() {
        assertEquals(new Stmt.NumericFor(S, "i", num(1), num(10), null, block()), one("for (i = 1, 10) { }"));
        assertEquals(new Stmt.NumericFor(S, "i", num(10), num(1), num(-1), block()), one("for (i = 10, 1, -1) { }"));
        assertEquals(new Stmt.CFor(S, "i", num(0), bin(BinOp.LT, name("i"), num(10)),
                new Stmt.CompoundAssign(S, name("i"), BinOp.ADD, num(2)), block()), one("for (i = 0; i < 10; i += 2) { }"));
        assertEquals(new Stmt.ForIn(S, List.of("k", "v"), List.of(call("pairs", name("t"))), block()),
                one("for (k, v in pairs(t)) { }"));
        assertEquals(new Stmt.While(S, bool(true), block(new Stmt.Break(S))), one("while (true) { break }"));
        assertEquals(new Stmt.Repeat(S, block(), name("x")), one("repeat { } until (x)"));
        assertEquals(new Stmt.Repeat(S, block(), name("x")), one("repeat { } until x"));
    }

    private static Expr bool(boolean b) {
        return new Expr.Bool(S, b);
    }

    @Test
    void functions() {
        assertEquals(new Stmt.FunctionDecl(S, List.of("g"), null, fn(List.of("p", "q"),
                new Stmt.Return(S, List.of(name("p"))))), one("function g(p, q) { return p }"));
        assertEquals(new Stmt.FunctionDecl(S, List.of("t", "a", "b"), null, fn(List.of())), one("function t.a.b() { }"));
        assertEquals(new Stmt.FunctionDecl(S, List.of("t", "a"), "m", fn(List.of("p"))), one("function t.a:m(p) { }"));
        assertEquals(new Stmt.FunctionDecl(S, List.of("g"), null, new io.ktap.ast.FunctionBody(S, List.of("p"), true,
                block(stmt(call("print", new Expr.Vararg(S)))))), one("function g(p, ...) { print(...) }"));
        assertEquals(new Expr.Function(S, fn(List.of("p"), new Stmt.Return(S, List.of(name("p"))))),
                expr("function (p) { return p }"));
        assertEquals(new Stmt.Return(S, List.of()), ((Stmt.FunctionDecl) one("function g() { return; }"))
                .function().body().statements().get(0));
    }

    @Test
    void tableConstructors() {
        assertEquals(table(), expr("{}"));
        assertEquals(table(pos(num(1)), pos(num(2))), expr("{1, 2,}"));
        assertEquals(table(keyed(str("k"), num(1)), keyed(num(2), num(3)), pos(str("v"))), expr("{k = 1; [2] = 3, 'v'}"));
        assertEquals(table(pos(bin(BinOp.EQ, name("a"), name("b")))), expr("{a == b}"));
    }

    @Test
    void semicolonsAreOptionalSeparators() {
        assertEquals(parse("print(1)\nprint(2)"), parse("print(1); print(2);;"));
        assertEquals(parse("print(1)\nprint(2)"), parse("print(1) print(2)"));
    }

    @Test
    void traceBlocks() {
        Stmt.Trace t = (Stmt.Trace) one("trace syscalls:sys_enter_open, sched:sched_switch /prev_pid == 0/ { }");
        assertEquals(List.of(new Probe.Tracepoint(S, "syscalls", "sys_enter_open"), new Probe.Tracepoint(S, "sched", "sched_switch")),
                t.probes());
        assertEquals("prev_pid == 0", t.filter());
        Stmt.Trace u = (Stmt.Trace) one("trace probe:/lib/libc.so.6:malloc%return { }");
        assertEquals(new Probe.Uprobe(S, "/lib/libc.so.6", "malloc", 0, true, List.of()), u.probes().get(0));
        assertEquals(null, u.filter());
        Stmt.Trace f = (Stmt.Trace) one("trace sched:sched_process_exec /filename ~ \"/usr/bin/{x}\"/ { }");
        assertEquals("filename ~ \"/usr/bin/{x}\"", f.filter(), "quotes protect slashes and braces in filters");
        assertEquals(new Stmt.TraceEnd(S, block()), one("trace_end { }"));
    }

    @Test
    void timers() {
        assertEquals(new Stmt.Trace(S, List.of(new Probe.Timer(S, Probe.Timer.Kind.TICK, Duration.ofMillis(1))), null, block()),
                one("tick-1ms { }"));
        assertEquals(new Stmt.Trace(S, List.of(new Probe.Timer(S, Probe.Timer.Kind.PROFILE, Duration.ofSeconds(2))), null, block()),
                one("profile-2sec\n{\n}"));
        assertEquals(new Stmt.CompoundAssign(S, name("tick"), BinOp.SUB, num(1)), parse("tick = 0\ntick -= 1").get(1),
                "tick is still a name");
    }

    @Test
    void spansCoverTheSource() {
        Program p = KtapCompiler.compile("s.kp", "var a = 1\nprint(a +\n  22)\n").programOrThrow();
        Stmt.ExprStmt s = (Stmt.ExprStmt) p.body().statements().get(1);
        assertTrue(s.span().sameLocation(new Span("s.kp", 2, 1, 3, 5)), s.span()::toString);
        Expr.Binary sum = (Expr.Binary) ((Expr.Call) s.call()).args().get(0);
        assertTrue(sum.span().sameLocation(new Span("s.kp", 2, 7, 3, 4)), sum.span()::toString);
        assertTrue(sum.right().span().sameLocation(new Span("s.kp", 3, 3, 3, 4)), sum.right().span()::toString);
    }

    @Test
    void theWholeProgramIsOneBlock() {
        Program p = KtapCompiler.compile("e.kp", "").programOrThrow();
        assertEquals(new Block(S, List.of()), p.body());
        assertTrue(KtapCompiler.compile("c.kp", "# only a comment\n--[[ and another ]]").isSuccess());
    }
}
