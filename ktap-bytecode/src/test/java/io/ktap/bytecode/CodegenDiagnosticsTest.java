package io.ktap.bytecode;

import static io.ktap.bytecode.Ast.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.ast.BinOp;
import io.ktap.ast.Diagnostic;
import io.ktap.ast.Expr;
import io.ktap.ast.Program;
import io.ktap.ast.Stmt;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Programs the VM cannot run are diagnostics, never exceptions. */
class CodegenDiagnosticsTest {

    private static List<Diagnostic> errors(Program p) {
        CodegenResult r = Codegen.compile(p);
        assertFalse(r.ok(), "expected errors");
        return r.diagnostics();
    }

    private static void assertError(Program p, CodegenError error, String message) {
        List<Diagnostic> d = errors(p);
        assertTrue(d.stream().anyMatch(x -> x.code().equals(error.code()) && x.message().equals(message)),
                () -> "expected " + error.code() + " '" + message + "', got " + d);
    }

    @Test
    void undeclaredVariableEveryUse() {
        List<Diagnostic> d = errors(program(print(name("nope")), trace("a", "b", print(name("nope")), print(name("other")))));
        assertEquals(List.of("undeclared variable 'nope'", "undeclared variable 'nope'", "undeclared variable 'other'"),
                d.stream().map(Diagnostic::message).toList());
        assertEquals("K3001", d.get(0).code());
    }

    @Test
    void assignmentAnywhereDeclaresAGlobal() {
        assertTrue(Codegen.compile(program(trace("a", "b", assign(name("late"), num(1))), print(name("late")))).ok());
        assertTrue(Codegen.compile(program(print(name("arg")))).ok(), "arg is always declared");
        // a compound assignment reads the global, so it does not declare it
        assertError(program(compound(name("c"), BinOp.ADD, num(1))), CodegenError.UNDECLARED_VARIABLE, "undeclared variable 'c'");
    }

    @Test
    void builtinArity() {
        assertError(program(print(call("pid", num(1)))), CodegenError.BUILTIN_ARITY, "wrong number of arguments to 'pid' (expects 0)");
        assertError(program(expr(call("printf"))), CodegenError.BUILTIN_ARITY,
                "wrong number of arguments to 'printf' (expects at least 1)");
        assertError(program(expr(call(index(name("table"), str("new")), num(1), num(2), num(3)))),
                CodegenError.BUILTIN_ARITY, "wrong number of arguments to 'table.new' (expects 0 to 2)");
    }

    @Test
    void tooManyRegisters() {
        List<String> names = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        for (int i = 0; i < 251; i++) {
            names.add("v" + i);
            values.add(num(i));
        }
        Diagnostic d = errors(program(trace("a", "b", new Stmt.Var(line(3), names, values)))).get(0);
        assertEquals("t.kp:3:1: error: function 'trace a:b' needs more than 250 registers", d.toString());
        assertEquals(CodegenError.TOO_MANY_REGISTERS.code(), d.code());
        names.remove(250);
        values.remove(250);
        assertTrue(Codegen.compile(program(trace("a", "b", new Stmt.Var(S, names, values)))).ok(), "250 registers fit");
    }

    @Test
    void tooManyConstants() {
        List<Stmt> body = new ArrayList<>(List.of(var("x")));
        for (int i = 0; i <= Codegen.MAX_CONSTANTS; i++) {
            body.add(assign(name("x"), num(100_000L + i)));
        }
        assertError(program(trace("a", "b", body.toArray(Stmt[]::new))), CodegenError.TOO_MANY_CONSTANTS,
                "function 'trace a:b' has more than 65536 constants");
    }

    @Test
    void tooManyUpvalues() {
        List<Stmt> outer = new ArrayList<>();
        List<Expr> uses = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            outer.add(var("a" + i, num(i)));
        }
        Stmt[] more = new Stmt[60];
        for (int i = 0; i < 60; i++) {
            more[i] = var("b" + i, num(i));
        }
        for (int i = 0; i < 200; i++) {
            uses.add(name("a" + i));
        }
        // 200 locals in one function, 60 in a nested one, all captured by the innermost
        List<Stmt> inner = new ArrayList<>(List.of(more));
        List<Expr> innerUses = new ArrayList<>(uses);
        for (int i = 0; i < 60; i++) {
            innerUses.add(name("b" + i));
        }
        List<Stmt> sums = new ArrayList<>();
        for (Expr u : innerUses) {
            sums.add(print(u));
        }
        inner.add(ret(fn(names(), false, sums.toArray(Stmt[]::new))));
        outer.add(ret(fn(names(), false, inner.toArray(Stmt[]::new))));
        assertError(program(func("f", names(), outer.toArray(Stmt[]::new))), CodegenError.TOO_MANY_UPVALUES,
                "function 'function@1' captures more than 255 variables");
    }

    @Test
    void jumpTooFar() {
        List<Stmt> body = new ArrayList<>();
        for (int i = 0; i < 17_000; i++) {
            body.add(assign(name("g"), num(i)));
        }
        assertError(program(var("g"), trace("a", "b", whileLoop(name("g"), body.toArray(Stmt[]::new)))),
                CodegenError.JUMP_TOO_FAR, "function 'trace a:b' is too large: a jump spans more than 32767 instructions");
    }

    @Test
    void breakOutsideALoop() {
        assertError(program(trace("a", "b", brk())), CodegenError.BREAK_OUTSIDE_LOOP, "'break' outside a loop");
        // a function body inside a loop is not in the loop
        assertError(program(trace("a", "b", whileLoop(bool(true), expr(call(fn(names(), false, brk())))))),
                CodegenError.BREAK_OUTSIDE_LOOP, "'break' outside a loop");
    }

    @Test
    void varargOutsideAVariadicFunction() {
        assertError(program(func("f", names(), print(vararg()))), CodegenError.VARARG_OUTSIDE_VARIADIC,
                "cannot use '...' outside a variadic function");
    }

    @Test
    void probesOnlyAtTopLevel() {
        assertError(program(doBlock(trace("a", "b"))), CodegenError.PROBE_NOT_AT_TOP_LEVEL,
                "'trace' blocks are only allowed at the top level of a program");
        assertError(program(func("f", names(), traceEnd())), CodegenError.PROBE_NOT_AT_TOP_LEVEL,
                "'trace_end' blocks are only allowed at the top level of a program");
    }

    @Test
    void builtinsAndLibrariesAreNotValues() {
        assertError(program(var("p", name("print"))), CodegenError.BUILTIN_AS_VALUE, "builtin 'print' can only be called");
        assertError(program(var("t", name("table"))), CodegenError.LIBRARY_AS_VALUE,
                "library 'table' can only be used to call its functions");
        assertError(program(var("t", index(name("table"), str("new")))), CodegenError.LIBRARY_AS_VALUE,
                "library 'table' can only be used to call its functions");
        assertError(program(expr(call(index(name("table"), str("nope"))))), CodegenError.UNKNOWN_LIBRARY_FUNCTION,
                "unknown library function 'table.nope'");
    }

    @Test
    void pairsOnlyInForIn() {
        assertError(program(var("t", table()), var("x", call("pairs", name("t")))), CodegenError.PAIRS_OUTSIDE_FOR,
                "pairs(...) can only be the iterator of a for-in loop");
    }

    @Test
    void assigningToBuiltins() {
        assertError(program(assign(name("print"), num(1))), CodegenError.ASSIGN_TO_BUILTIN, "cannot assign to builtin 'print'");
        assertError(program(var("pid", num(1))), CodegenError.ASSIGN_TO_BUILTIN, "cannot assign to builtin 'pid'");
        assertError(program(func("exit", names())), CodegenError.ASSIGN_TO_BUILTIN, "cannot assign to builtin 'exit'");
        // a local may shadow a builtin
        assertTrue(Codegen.compile(program(trace("a", "b", var("print", num(1)), var("x", name("print"))))).ok());
    }

    @Test
    void stringLiteralLongerThanTheLimit() {
        String big = "x".repeat(Limits.DEFAULT.maxStringLength() + 1);
        assertError(program(print(str(big))), CodegenError.STRING_TOO_LONG, "string literal of 512 bytes exceeds the string length limit of 511");
        assertTrue(Codegen.compile(program(print(str(big))), Limits.DEFAULT.withMaxStringLength(4096)).ok());
    }

    @Test
    void tooManyParameters() {
        List<String> params = new ArrayList<>();
        for (int i = 0; i < 251; i++) {
            params.add("p" + i);
        }
        assertError(program(func("f", params)), CodegenError.TOO_MANY_PARAMETERS, "function 'f' has more than 250 parameters");
    }

    @Test
    void eventOnlyInHandlers() {
        assertError(program(print(arg(1))), CodegenError.NO_EVENT_HERE, "'arg1' is only available in a probe handler");
        assertError(program(traceEnd(print(argname()))), CodegenError.NO_EVENT_HERE, "'argname' is only available in a probe handler");
        // a function may read the event of the handler that calls it
        assertTrue(Codegen.compile(program(func("f", names(), ret(argevent())))).ok());
    }

    @Test
    void diagnosticsCarryTheSpan() {
        Program p = new Program(line(1), new io.ktap.ast.Block(line(1), List.of(
                new Stmt.ExprStmt(line(7), new Expr.Call(line(7), new Expr.Name(line(7), "print"),
                        List.of(new Expr.Name(new io.ktap.ast.Span("t.kp", 7, 12, 7, 14), "zzz")))))));
        Diagnostic d = errors(p).get(0);
        assertEquals("t.kp:7:12: error: undeclared variable 'zzz'", d.toString());
    }
}
