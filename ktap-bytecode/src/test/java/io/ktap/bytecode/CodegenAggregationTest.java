package io.ktap.bytecode;

import static io.ktap.bytecode.Ast.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.ast.BinOp;
import io.ktap.ast.Diagnostic;
import io.ktap.ast.Program;
import io.ktap.trace.AggregationKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What codegen makes of 'target = agg(...)', and its diagnostics for every other use. */
class CodegenAggregationTest {

    private static String listing(Program p) {
        return Disassembler.disassemble(Listing.compile(p));
    }

    private static void assertError(Program p, CodegenError error, String message) {
        CodegenResult r = Codegen.compile(p);
        assertFalse(r.ok(), "expected errors");
        List<Diagnostic> d = r.diagnostics();
        assertTrue(d.stream().anyMatch(x -> x.code().equals(error.code()) && x.message().equals(message)),
                () -> "expected " + error.code() + " '" + message + "', got " + d);
    }

    @Test
    void aTableSlotIsAggregatedInPlaceByTagg() {
        Chunk c = Listing.compile(program(var("s", table()),
                trace("syscalls", "sys_enter_read", assign(index(name("s"), argname()), call("sum", arg(4))))));
        assertEquals(List.of(new AggregationSpec("s", AggregationKind.SUM, 0, 0, 0)), c.aggregations());
        String l = Disassembler.disassemble(c);
        assertTrue(l.contains("aggregations:\n  A0    @s = sum()\n"), l);
        assertTrue(l.contains("GGET      r0 G0                ; s"), l);
        assertTrue(l.contains("EVGET     r1 argname"), l);
        assertTrue(l.contains("EVGET     r2 arg4"), l);
        assertTrue(l.contains("TAGG      r0 A0                ; @s = sum()"), l);
    }

    @Test
    void aVariableIsReadAggregatedAndWrittenBack() {
        String l = listing(program(trace("a", "b", assign(name("lat"), call("hist", arg(1))))));
        assertTrue(l.matches("(?s).*GGET      r0 G0 .*EVGET     r1 arg1.*AGG       r0 A0 .*GSET      r0 G0 .*"), l);
        String local = listing(program(func("f", names(), var("x"), assign(name("x"), call("count")), ret(name("x")))));
        assertTrue(local.matches("(?s).*MOV       r1 r0.*AGG       r1 A0.*MOV       r0 r1.*"), local);
    }

    @Test
    void oneDescriptorPerNameKindAndBounds() {
        Chunk c = Listing.compile(program(
                assign(name("a"), call("count")), assign(name("a"), call("count")),
                assign(name("b"), call("lhist", num(1), num(0), num(10), num(5))),
                assign(name("b"), call("lhist", num(1), num(-10), num(10), num(5))),
                assign(index(call("f"), num(1)), call("max", num(3))),
                func("f", names(), ret(table()))));
        assertEquals(List.of(new AggregationSpec("a", AggregationKind.COUNT, 0, 0, 0),
                new AggregationSpec("b", AggregationKind.LHIST, 0, 10, 5),
                new AggregationSpec("b", AggregationKind.LHIST, -10, 10, 5),
                new AggregationSpec("", AggregationKind.MAX, 0, 0, 0)), c.aggregations());
    }

    @Test
    void anAggregationAnywhereElseIsAnError() {
        String count = "'count()' is an aggregation: it can only be the whole right side of an assignment to one variable"
                + " or table slot, as in 'x = count(...)' or 't[k] = count(...)'";
        assertError(program(print(call("count"))), CodegenError.AGGREGATION_CONTEXT, count);
        assertError(program(var("x", call("count"))), CodegenError.AGGREGATION_CONTEXT, count);
        assertError(program(assign(List.of(name("a"), name("b")), List.of(call("count"), num(1)))),
                CodegenError.AGGREGATION_CONTEXT, count);
        assertError(program(assign(name("x"), bin(BinOp.ADD, call("count"), num(1)))), CodegenError.AGGREGATION_CONTEXT,
                count);
        assertError(program(expr(call("count"))), CodegenError.AGGREGATION_CONTEXT, count);
    }

    @Test
    void aggregationArityAndLhistBounds() {
        assertError(program(assign(name("s"), call("sum"))), CodegenError.BUILTIN_ARITY,
                "wrong number of arguments to 'sum' (expects 1)");
        assertError(program(assign(name("c"), call("count", num(1)))), CodegenError.BUILTIN_ARITY,
                "wrong number of arguments to 'count' (expects 0)");
        assertError(program(var("n", num(10)), assign(name("l"), call("lhist", num(1), num(0), name("n"), num(1)))),
                CodegenError.LHIST_BOUNDS, "invalid lhist bounds: min, max and step must be integer literals");
        assertError(program(assign(name("l"), call("lhist", num(1), num(0), num(10), num(3)))), CodegenError.LHIST_BOUNDS,
                "invalid lhist bounds: lhist(v, 0, 10, 3) needs min < max and a step >= 1 dividing max - min into at most"
                        + " 1000 buckets");
        assertError(program(assign(name("l"), call("lhist", num(1), num(0), num(1001), num(1)))),
                CodegenError.LHIST_BOUNDS, "invalid lhist bounds: lhist(v, 0, 1001, 1) needs min < max and a step >= 1"
                        + " dividing max - min into at most 1000 buckets");
    }

    @Test
    void aScriptsOwnVariableKeepsTheName() {
        // 'max' is the program's global: the call is an ordinary call of it, no aggregation.
        Chunk c = Listing.compile(program(var("max", num(1)), assign(name("x"), call("max", num(2)))));
        assertTrue(c.aggregations().isEmpty());
        assertTrue(Disassembler.disassemble(c).contains("CALL "), Disassembler.disassemble(c));
        // a parameter named hist anywhere keeps 'hist' a variable in the whole program
        assertError(program(func("f", names("hist"), ret(name("hist"))), assign(name("h"), call("hist", num(1)))),
                CodegenError.UNDECLARED_VARIABLE, "undeclared variable 'hist'");
    }

    @Test
    void aggregationsRoundTripThroughTheChunkFormat() throws ChunkFormatException {
        Chunk c = Listing.compile(program(var("t", table()), assign(index(name("t"), str("k")), call("stats", num(5))),
                assign(name("l"), call("lhist", num(5), num(-100), num(100), num(50)))));
        assertEquals(c, ChunkReader.read(ChunkWriter.write(c)));
        assertEquals(List.of(), Verifier.verify(c));
    }
}
