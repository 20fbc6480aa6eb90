package io.ktap.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.ktap.ast.AstPrinter;
import io.ktap.ast.Block;
import io.ktap.ast.Expr;
import io.ktap.ast.Probe;
import io.ktap.ast.ProbeSpecs;
import io.ktap.ast.Program;
import io.ktap.ast.Span;
import io.ktap.ast.Stmt;
import io.ktap.ast.arbitrary.AstArbitraries;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The printer and the parser are inverses: a random well-formed AST, printed and compiled again,
 * is the same AST (spans aside), and printing that gives the same text.
 */
class PrintParseProperties {

    private static Program reparse(Program p) {
        String text = AstPrinter.print(p);
        CompileResult r = KtapCompiler.compile("printed.kp", text);
        if (!r.isSuccess()) {
            fail("the printed program does not compile:\n" + r.format() + "\n--- text:\n" + text);
        }
        Program parsed = r.programOrThrow();
        assertEquals(p, parsed, () -> "parse(print(p)) != p; text:\n" + text + "\n--- reprinted:\n"
                + AstPrinter.print(parsed));
        assertEquals(text, AstPrinter.print(parsed));
        return parsed;
    }

    private static Program inHandler(Stmt... body) {
        Probe probe = new Probe.Tracepoint(Span.NONE, "sched", "sched_switch");
        return new Program(Span.NONE, Block.of(new Stmt.Trace(Span.NONE, List.of(probe), null, Block.of(body))));
    }

    @Property(tries = 1000)
    void programsSurvivePrintThenParse(@ForAll("programs") Program p) {
        reparse(p);
    }

    @Property(tries = 300)
    void largerProgramsSurvivePrintThenParse(@ForAll("largePrograms") Program p) {
        reparse(p);
    }

    @Property(tries = 1000)
    void expressionsSurvivePrintThenParse(@ForAll("expressions") Expr e) {
        Expr call = new Expr.Call(Span.NONE, new Expr.Name(Span.NONE, "print"), List.of(e));
        reparse(inHandler(new Stmt.ExprStmt(Span.NONE, call)));
    }

    @Property(tries = 1000)
    void statementsSurvivePrintThenParse(@ForAll("statements") Stmt s) {
        reparse(inHandler(s));
    }

    @Property(tries = 1000)
    void probesSurvivePrintThenParse(@ForAll("probes") Probe p) {
        Program program = p instanceof Probe.Timer
                ? new Program(Span.NONE, Block.of(new Stmt.Trace(Span.NONE, List.of(p), null, Block.of())))
                : new Program(Span.NONE, Block.of(new Stmt.Trace(Span.NONE, List.of(p), null, Block.of())));
        reparse(program);
        assertEquals(p, ProbeSpecs.parse(ProbeSpecs.format(p)));
    }

    @Provide
    Arbitrary<Program> programs() {
        return AstArbitraries.programs();
    }

    @Provide
    Arbitrary<Program> largePrograms() {
        return AstArbitraries.programs(20, 2000);
    }

    @Provide
    Arbitrary<Expr> expressions() {
        return AstArbitraries.expressions();
    }

    @Provide
    Arbitrary<Stmt> statements() {
        return AstArbitraries.statements();
    }

    @Provide
    Arbitrary<Probe> probes() {
        return AstArbitraries.probes();
    }
}
