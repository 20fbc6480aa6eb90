package io.ktap.bytecode;

import static io.ktap.bytecode.Ast.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ktap.ast.BinOp;
import io.ktap.ast.Program;
import io.ktap.ast.Stmt;
import io.ktap.ast.UnOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Codegen of every AST form, checked instruction by instruction. */
class CodegenTest {

    private static Chunk compile(Stmt... stmts) {
        return Listing.compile(program(stmts));
    }

    private static void assertCode(Proto p, String... expected) {
        assertEquals(List.of(expected), Listing.code(p), () -> "\n" + String.join("\n", Listing.code(p)));
    }

    /** Compiles {@code body} as the body of a handler and returns its prototype. */
    private static Proto handler(Stmt... body) {
        Chunk c = compile(trace("sched", "sched_switch", body));
        return c.protos().get(c.probes().get(0).handler());
    }

    /** A handler whose globals g, h are declared first (slots 0 and 1). */
    private static Proto handlerWithGlobals(Stmt... body) {
        Chunk c = compile(var(names("g", "h")), trace("sched", "sched_switch", body));
        return c.protos().get(c.probes().get(0).handler());
    }

    // ---- constants, names -------------------------------------------------------------------------

    @Test
    void literals() {
        Proto p = handler(var(names("a", "b", "c", "d", "e", "f"), nil(), bool(false), bool(true), num(-7),
                num(1L << 40), str("hi")));
        assertCode(p, "KPRI 0 0", "KPRI 1 1", "KPRI 2 2", "KSHORT 3 -7", "KCONST 4 0", "KCONST 5 1", "RET 0 1");
        assertEquals(List.of(new Constant.Int(1L << 40), new Constant.Str("hi")), p.constants());
        assertEquals(6, p.frameSize());
    }

    @Test
    void constantsAreShared() {
        Proto p = handler(var(names("a", "b"), str("x"), str("x")));
        assertCode(p, "KCONST 0 0", "KCONST 1 0", "RET 0 1");
    }

    @Test
    void globalsLocalsAndBareWordBuiltins() {
        Proto p = handlerWithGlobals(var("x", name("g")), assign(name("h"), name("x")), var("y", name("pid")));
        assertCode(p, "GGET 0 0", "GSET 0 1", "CALLB 1 1 " + io.ktap.ast.Builtin.PID.id(), "RET 0 1");
    }

    @Test
    void eventAccess() {
        Proto p = handler(var(names("a", "b", "c"), arg(1), argname(), argevent()));
        assertCode(p, "EVGET 0 1", "EVGET 1 10", "EVGET 2 11", "RET 0 1");
    }

    // ---- operators --------------------------------------------------------------------------------

    @Test
    void arithmeticAndConcat() {
        Proto p = handler(var(names("a", "b"), num(1), num(2)),
                var("c", bin(BinOp.ADD, name("a"), bin(BinOp.MUL, name("b"), num(3)))),
                var("d", bin(BinOp.SUB, name("a"), name("b"))),
                var("e", bin(BinOp.DIV, name("a"), name("b"))),
                var("f", bin(BinOp.MOD, name("a"), name("b"))),
                var("g", bin(BinOp.POW, name("a"), name("b"))),
                var("s", bin(BinOp.CONCAT, str("x"), str("y"))));
        assertCode(p, "KSHORT 0 1", "KSHORT 1 2",
                "KSHORT 4 3", "MUL 3 1 4", "ADD 2 0 3",
                "SUB 3 0 1", "DIV 4 0 1", "MOD 5 0 1", "POW 6 0 1",
                "KCONST 8 0", "KCONST 9 1", "CAT 7 8 9", "RET 0 1");
    }

    @Test
    void comparisonsSwapOperandsForGreater() {
        Proto p = handler(var(names("a", "b"), num(1), num(2)),
                var(names("lt", "le", "gt", "ge", "eq", "ne"),
                        bin(BinOp.LT, name("a"), name("b")), bin(BinOp.LE, name("a"), name("b")),
                        bin(BinOp.GT, name("a"), name("b")), bin(BinOp.GE, name("a"), name("b")),
                        bin(BinOp.EQ, name("a"), name("b")), bin(BinOp.NE, name("a"), name("b"))));
        assertCode(p, "KSHORT 0 1", "KSHORT 1 2", "LT 2 0 1", "LE 3 0 1", "LT 4 1 0", "LE 5 1 0", "EQ 6 0 1",
                "NE 7 0 1", "RET 0 1");
    }

    @Test
    void unary() {
        Proto p = handler(var("a", num(1)), var(names("n", "m"), un(UnOp.NEG, name("a")), un(UnOp.NOT, name("a"))));
        assertCode(p, "KSHORT 0 1", "NEG 1 0", "NOT 2 0", "RET 0 1");
    }

    @Test
    void andOrYieldTheDecidingOperand() {
        Proto p = handler(var(names("a", "b"), num(1), nil()),
                var("x", bin(BinOp.AND, name("a"), name("b"))),
                var("y", bin(BinOp.OR, name("b"), num(5))));
        assertCode(p, "KSHORT 0 1", "KPRI 1 0",
                "MOV 2 0", "JMPF 2 1", "MOV 2 1",
                "MOV 3 1", "JMPT 3 1", "KSHORT 3 5", "RET 0 1");
    }

    @Test
    void logicalAssignmentToALocalGoesThroughATemporary() {
        // x = y or x must read the old x after y was tested
        Proto p = handler(var(names("x", "y"), num(1), nil()), assign(name("x"), bin(BinOp.OR, name("y"), name("x"))));
        assertCode(p, "KSHORT 0 1", "KPRI 1 0", "MOV 2 1", "JMPT 2 1", "MOV 2 0", "MOV 0 2", "RET 0 1");
    }

    // ---- tables -----------------------------------------------------------------------------------

    @Test
    void tableConstructorAndIndexing() {
        Proto p = handler(var("t", table(item(num(10)), item(num(20)), field(str("k"), num(1)), field(num(99), str("v")))),
                var("a", index(name("t"), str("k"))), var("b", index(name("t"), name("a"))));
        assertCode(p, "TNEW 0 2 2",
                "KSHORT 1 10", "TSETK 1 0 0",
                "KSHORT 1 20", "TSETK 1 0 1",
                "KSHORT 1 1", "TSETK 1 0 2",
                "KCONST 1 4", "TSETK 1 0 3",
                "TGETK 1 0 2", "TGET 2 0 1", "RET 0 1");
        assertEquals(List.of(new Constant.Int(1), new Constant.Int(2), new Constant.Str("k"), new Constant.Int(99),
                new Constant.Str("v")), p.constants());
    }

    @Test
    void tableWithTrailingCallTakesEveryResult() {
        Chunk c = compile(func("f", names()), trace("a", "b", var("t", table(item(num(1)), item(call("f"))))));
        Proto p = c.protos().get(c.probes().get(0).handler());
        assertCode(p, "TNEW 0 2 0", "KSHORT 1 1", "TSETK 1 0 0", "GGET 1 0", "CALL 1 1 0", "TSETM 0 2", "RET 0 1");
    }

    @Test
    void tableAssignmentToAnExistingLocalBuildsInATemporary() {
        // t = {t} must read the old t into the new table
        Proto p = handler(var("t", num(1)), assign(name("t"), table(item(name("t")))));
        assertCode(p, "KSHORT 0 1", "TNEW 1 1 0", "TSETK 0 1 0", "MOV 0 1", "RET 0 1");
    }

    @Test
    void indexAssignment() {
        Proto p = handlerWithGlobals(assign(index(name("g"), str("k")), num(1)),
                assign(index(name("g"), arg(2)), name("h")));
        assertCode(p, "GGET 0 0", "KSHORT 1 1", "TSETK 1 0 0",
                "GGET 0 0", "EVGET 1 2", "GGET 2 1", "TSET 2 0 1", "RET 0 1");
    }

    // ---- compound assignment ----------------------------------------------------------------------

    @Test
    void countingIntoATableUsesTincr() {
        Proto p = handlerWithGlobals(compound(index(name("g"), argname()), BinOp.ADD, num(1)),
                compound(index(name("g"), str("k")), BinOp.SUB, arg(3)));
        assertCode(p, "GGET 0 0", "EVGET 1 10", "KSHORT 2 1", "TINCR 2 0 1",
                "GGET 0 0", "KCONST 1 0", "EVGET 2 3", "NEG 3 2", "TINCR 3 0 1", "RET 0 1");
    }

    @Test
    void otherCompoundAssignments() {
        Proto p = handlerWithGlobals(var("x", num(2)),
                compound(name("x"), BinOp.MUL, num(3)),
                compound(name("g"), BinOp.CONCAT, str("s")),
                compound(index(name("h"), str("k")), BinOp.DIV, num(2)));
        assertCode(p, "KSHORT 0 2", "KSHORT 1 3", "MUL 0 0 1",
                "KCONST 1 0", "GGET 2 0", "CAT 2 2 1", "GSET 2 0",
                "GGET 1 1", "KSHORT 2 2", "TGETK 3 1 1", "DIV 3 3 2", "TSETK 3 1 1", "RET 0 1");
    }

    // ---- assignment -------------------------------------------------------------------------------

    @Test
    void multipleAssignmentEvaluatesEverythingFirst() {
        Proto p = handler(var(names("a", "b"), num(1), num(2)), assign(exprs(name("a"), name("b")), exprs(name("b"), name("a"))));
        assertCode(p, "KSHORT 0 1", "KSHORT 1 2", "MOV 2 1", "MOV 3 0", "MOV 0 2", "MOV 1 3", "RET 0 1");
    }

    @Test
    void varPadsWithNilAndExpandsTheLastCall() {
        Chunk c = compile(func("f", names()), trace("a", "b", var(names("x", "y", "z"), num(1)),
                var(names("p", "q", "r"), call("f")), var("s", call("f"), num(9))));
        Proto p = c.protos().get(c.probes().get(0).handler());
        assertCode(p, "KSHORT 0 1", "KNIL 1 2",
                "GGET 3 0", "CALL 3 1 4",
                "GGET 6 0", "CALL 6 1 2", "KSHORT 7 9", "RET 0 1");
    }

    @Test
    void topLevelVarDeclaresGlobals() {
        Chunk c = compile(var(names("a", "b"), num(1), str("x")), assign(name("c"), name("a")));
        assertEquals(List.of("a", "b", "c"), c.globals());
        assertCode(c.main(), "KSHORT 0 1", "KCONST 1 0", "GSET 0 0", "GSET 1 1", "GGET 0 0", "GSET 0 2", "RET 0 1");
    }

    // ---- control flow -----------------------------------------------------------------------------

    @Test
    void ifElseifElse() {
        Proto p = handlerWithGlobals(ifChain(List.of(
                new Stmt.If.Arm(bin(BinOp.EQ, arg(1), num(1)), block(print(num(1)))),
                new Stmt.If.Arm(name("g"), block(print(num(2))))), block(print(num(3)))));
        int print = io.ktap.ast.Builtin.PRINT.id();
        assertCode(p,
                "EVGET 1 1", "KSHORT 2 1", "EQ 0 1 2", "JMPF 0 3",
                "KSHORT 0 1", "CALLB 0 2 " + print, "JMP 0 7",
                "GGET 0 0", "JMPF 0 3",
                "KSHORT 0 2", "CALLB 0 2 " + print, "JMP 0 2",
                "KSHORT 0 3", "CALLB 0 2 " + print,
                "RET 0 1");
    }

    @Test
    void conditionsShortCircuitWithoutBooleans() {
        Proto p = handlerWithGlobals(ifThen(bin(BinOp.OR, bin(BinOp.AND, name("g"), name("h")), un(UnOp.NOT, name("g"))),
                block(print()), null));
        int print = io.ktap.ast.Builtin.PRINT.id();
        assertCode(p, "GGET 0 0", "JMPF 0 2", "GGET 0 1", "JMPT 0 2", "GGET 0 0", "JMPT 0 1",
                "CALLB 0 1 " + print, "RET 0 1");
    }

    @Test
    void constantConditions() {
        Proto p = handler(whileLoop(bool(true), brk()), ifThen(nil(), block(print()), null));
        assertCode(p, "UCLO 0 1", "JMP 0 -2", "JMP 0 1", "CALLB 0 1 1", "RET 0 1");
    }

    @Test
    void whileWithBreak() {
        Proto p = handler(var("i", num(0)), whileLoop(bin(BinOp.LT, name("i"), num(10)),
                compound(name("i"), BinOp.ADD, num(1)), ifThen(bin(BinOp.EQ, name("i"), num(5)), block(brk()), null)));
        assertCode(p, "KSHORT 0 0",
                "KSHORT 2 10", "LT 1 0 2", "JMPF 1 7",
                "KSHORT 1 1", "ADD 0 0 1",
                "KSHORT 2 5", "EQ 1 0 2", "JMPF 1 1", "UCLO 1 1",
                "JMP 0 -10", "RET 0 1");
    }

    @Test
    void repeatSeesBodyLocalsInItsCondition() {
        Proto p = handler(repeat(name("done"), var("done", bool(true))));
        assertCode(p, "KPRI 0 2", "JMPF 0 -2", "RET 0 1");
    }

    @Test
    void repeatClosesCapturedLocalsOnBothPaths() {
        Proto p = handlerWithGlobals(repeat(name("x"), var("x", bool(true)), assign(name("g"), fn(names(), false, ret(name("x"))))));
        assertCode(p, "KPRI 0 2", "FNEW 1 2", "GSET 1 0", "JMPF 0 1", "UCLO 0 1", "UCLO 0 -6", "RET 0 1");
    }

    @Test
    void numericFor() {
        Proto p = handler(numFor("i", num(1), num(10), null, print(name("i"))),
                numFor("j", num(10), num(1), num(-2), brk()));
        assertCode(p, "KSHORT 0 1", "KSHORT 1 10", "KSHORT 2 1", "FORPREP 0 3",
                "MOV 4 3", "CALLB 4 2 1", "FORLOOP 0 -3",
                "KSHORT 0 10", "KSHORT 1 1", "KSHORT 2 -2", "FORPREP 0 2",
                "UCLO 3 1", "FORLOOP 0 -2", "RET 0 1");
    }

    @Test
    void numericForClosesACapturedLoopVariableEachIteration() {
        Proto p = handlerWithGlobals(numFor("i", num(1), num(3), null, assign(name("g"), fn(names(), false, ret(name("i"))))));
        assertCode(p, "KSHORT 0 1", "KSHORT 1 3", "KSHORT 2 1", "FORPREP 0 4",
                "FNEW 4 2", "GSET 4 0", "UCLO 3 0", "FORLOOP 0 -4", "RET 0 1");
        Proto closure = Listing.compile(program(var(names("g", "h")),
                trace("a", "b", numFor("i", num(1), num(3), null, assign(name("g"), fn(names(), false, ret(name("i")))))))).protos().get(2);
        assertEquals(List.of(new UpvalueDesc(true, 3, "i")), closure.upvalues());
        assertCode(closure, "UGET 0 0", "RET 0 2", "RET 0 1");
    }

    @Test
    void cStyleFor() {
        Proto p = handler(cFor("i", num(0), bin(BinOp.LT, name("i"), num(3)), compound(name("i"), BinOp.ADD, num(1)),
                print(name("i"))));
        assertCode(p, "KSHORT 0 0",
                "KSHORT 2 3", "LT 1 0 2", "JMPF 1 5",
                "MOV 1 0", "CALLB 1 2 1",
                "KSHORT 1 1", "ADD 0 0 1", "JMP 0 -8", "RET 0 1");
    }

    @Test
    void pairsLoop() {
        Proto p = handlerWithGlobals(forIn(names("k", "v"), exprs(call("pairs", name("g"))), print(name("k"), name("v"))),
                forIn(names("k"), exprs(call("pairs", name("g"))), brk()));
        assertCode(p, "GGET 0 0", "ITERP 0 3", "MOV 4 2", "MOV 5 3", "CALLB 4 3 1", "ITERN 0 -4",
                "GGET 0 0", "ITERP 0 1", "UCLO 2 1", "ITERN 0 -2", "RET 0 1");
    }

    @Test
    void genericForCallsTheIterator() {
        Chunk c = compile(func("it", names("s", "c")), trace("a", "b",
                forIn(names("x"), exprs(name("it"), num(0), num(0)), print(name("x")))));
        Proto p = c.protos().get(c.probes().get(0).handler());
        assertCode(p, "GGET 0 0", "KSHORT 1 0", "KSHORT 2 0",
                "MOV 3 0", "MOV 4 1", "MOV 5 2", "CALL 3 3 2",
                "KPRI 4 0", "EQ 4 3 4", "JMPT 4 4", "MOV 2 3",
                "MOV 4 3", "CALLB 4 2 1", "JMP 0 -11", "RET 0 1");
    }

    @Test
    void doBlockClosesCapturedLocals() {
        Proto p = handlerWithGlobals(doBlock(var("x", num(1)), assign(name("g"), fn(names(), false, ret(name("x"))))),
                doBlock(var("y", num(2))));
        assertCode(p, "KSHORT 0 1", "FNEW 1 2", "GSET 1 0", "UCLO 0 0", "KSHORT 0 2", "RET 0 1");
    }

    // ---- functions and calls ----------------------------------------------------------------------

    @Test
    void tailCall() {
        Chunk c = compile(func("f", names("n"), ret(call("f", name("n")))));
        assertCode(c.protos().get(1), "GGET 1 0", "MOV 2 0", "TAILCALL 1 2 0", "RET 0 1");
    }

    @Test
    void returnForms() {
        Chunk c = compile(func("f", names("a", "b"), ifThen(name("a"), block(ret()), null),
                        ifThen(name("b"), block(ret(name("a"), name("b"))), null), ret(num(1), call("f", num(1), num(2)))),
                funcDecl(List.of("v"), null, body(names(), true, ret(vararg()))));
        assertCode(c.protos().get(1), "JMPF 0 1", "RET 0 1", "JMPF 1 3", "MOV 2 0", "MOV 3 1", "RET 2 3",
                "KSHORT 2 1", "GGET 3 0", "KSHORT 4 1", "KSHORT 5 2", "CALL 3 3 0", "RET 2 0", "RET 0 1");
        assertCode(c.protos().get(2), "VARG 0 0", "RET 0 0", "RET 0 1");
        assertEquals(true, c.protos().get(2).variadic());
    }

    @Test
    void callsPassVariableArguments() {
        Chunk c = compile(funcDecl(List.of("v"), null, body(names("x"), true, print(vararg()), expr(call("v", name("x"), vararg())))));
        assertCode(c.protos().get(1), "VARG 1 0", "CALLB 1 0 1", "GGET 1 0", "MOV 2 0", "VARG 3 0", "CALL 1 0 1", "RET 0 1");
    }

    @Test
    void closuresCaptureThroughLevels() {
        Chunk c = compile(func("outer", names("a"),
                ret(fn(names(), false, ret(fn(names(), false, compound(name("a"), BinOp.ADD, num(1)), ret(name("a"))))))));
        assertEquals(4, c.protos().size());
        assertCode(c.protos().get(1), "FNEW 1 2", "RET 1 2", "RET 0 1");
        assertEquals(List.of(new UpvalueDesc(true, 0, "a")), c.protos().get(2).upvalues());
        assertCode(c.protos().get(2), "FNEW 0 3", "RET 0 2", "RET 0 1");
        assertEquals(List.of(new UpvalueDesc(false, 0, "a")), c.protos().get(3).upvalues());
        assertCode(c.protos().get(3), "KSHORT 0 1", "UGET 1 0", "ADD 1 1 0", "USET 0 1", "UGET 0 0", "RET 0 2", "RET 0 1");
        assertEquals(2, c.protos().get(3).parent());
    }

    @Test
    void localFunctionsAndFieldsAndMethods() {
        Chunk c = compile(var("obj", table()),
                funcDecl(List.of("obj", "f"), null, body(names("x"), false)),
                funcDecl(List.of("obj"), "m", body(names("y"), false, ret(name("self")))),
                trace("a", "b", var("f", nil()), func("f", names()), expr(method(name("obj"), "m", num(1)))));
        assertCode(c.main(), "TNEW 0 0 0", "GSET 0 0",
                "GGET 0 0", "FNEW 1 1", "TSETK 1 0 0",
                "GGET 0 0", "FNEW 1 2", "TSETK 1 0 1", "RET 0 1");
        assertEquals(2, c.protos().get(2).numParams());
        Proto h = c.protos().get(3);
        assertCode(h, "KPRI 0 0", "FNEW 0 4", "GGET 2 0", "TGETK 1 2 0", "KSHORT 3 1", "CALL 1 3 1", "RET 0 1");
    }

    @Test
    void builtinsAndLibraries() {
        Proto p = handler(var("t", call(index(name("table"), str("new")), num(4), num(0))),
                var("n", call("len", name("t"))),
                expr(call("printf", str("%d\n"), name("n"))));
        assertCode(p, "KSHORT 0 4", "KSHORT 1 0", "CALLB 0 3 40",
                "LEN 1 0",
                "KCONST 2 0", "MOV 3 1", "CALLB 2 3 2", "RET 0 1");
    }

    // ---- probes -----------------------------------------------------------------------------------

    @Test
    void probeTable() {
        io.ktap.ast.Span s = S;
        Chunk c = compile(
                traceFiltered(List.<io.ktap.ast.Probe>of(new io.ktap.ast.Probe.Tracepoint(s, "syscalls", "sys_enter_*"),
                        new io.ktap.ast.Probe.Kprobe(s, "do_sys_open", 0, true,
                                List.of(new io.ktap.ast.Probe.FetchArg("fd", "$retval")))), "pid==1", print()),
                tick(java.time.Duration.ofMillis(10), print()),
                traceFiltered(List.<io.ktap.ast.Probe>of(new io.ktap.ast.Probe.Uprobe(s, "/lib/libc.so.6", "malloc", 0, false, List.of()),
                        new io.ktap.ast.Probe.Sdt(s, "/bin/x", "mark"), new io.ktap.ast.Probe.FtraceFunction(s),
                        new io.ktap.ast.Probe.Timer(s, io.ktap.ast.Probe.Timer.Kind.PROFILE, java.time.Duration.ofSeconds(1))
                ).subList(0, 3), null, print()),
                traceEnd(print()), traceEnd(print()));
        assertEquals(List.of(
                new ProbeEntry(ProbeKind.TRACEPOINT, "syscalls:sys_enter_*", "pid==1", 1, 0, List.of()),
                new ProbeEntry(ProbeKind.KRETPROBE, "probe:do_sys_open%return fd=$retval", "pid==1", 1, 0, List.of()),
                new ProbeEntry(ProbeKind.TICK, "tick-10ms", null, 2, 10_000_000, List.of()),
                new ProbeEntry(ProbeKind.UPROBE, "probe:/lib/libc.so.6:malloc", null, 3, 0, List.of()),
                new ProbeEntry(ProbeKind.SDT, "sdt:/bin/x:mark", null, 3, 0, List.of()),
                new ProbeEntry(ProbeKind.FTRACE_FUNCTION, "ftrace:function", null, 3, 0, List.of())), c.probes());
        assertEquals(List.of(4, 5), c.endProtos());
        assertEquals("trace syscalls:sys_enter_*, probe:do_sys_open%return fd=$retval", c.protos().get(1).name());
        Chunk withIds = c.withEventIds(0, List.of(301L, 302L));
        assertEquals(List.of(301L, 302L), withIds.probes().get(0).eventIds());
        assertEquals(List.of(), Verifier.verify(withIds));
    }

    // ---- line table -------------------------------------------------------------------------------

    @Test
    void everyInstructionMapsToItsLine() {
        Program p = new Program(line(1), new io.ktap.ast.Block(line(1), List.of(
                new Stmt.Var(line(2), List.of("x"), List.of(new io.ktap.ast.Expr.Int(line(2), 1))),
                new Stmt.ExprStmt(line(3), new io.ktap.ast.Expr.Call(line(3), new io.ktap.ast.Expr.Name(line(3), "print"),
                        List.of(new io.ktap.ast.Expr.Binary(line(4), BinOp.DIV, new io.ktap.ast.Expr.Name(line(4), "x"),
                                new io.ktap.ast.Expr.Int(line(5), 0))))))));
        Chunk c = Listing.compile(p);
        assertCode(c.main(), "KSHORT 0 1", "GSET 0 0", "GGET 1 0", "KSHORT 2 0", "DIV 0 1 2", "CALLB 0 2 1", "RET 0 1");
        assertEquals(List.of(2, 2, 4, 5, 4, 3, 1), java.util.Arrays.stream(c.main().lines()).boxed().toList());
    }
}
