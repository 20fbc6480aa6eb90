package io.ktap.compiler;

import io.ktap.ast.Block;
import io.ktap.ast.Diagnostic;
import io.ktap.ast.Expr;
import io.ktap.ast.Program;
import io.ktap.ast.Span;
import io.ktap.ast.Stmt;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static io.ktap.compiler.Ast.S;
import static io.ktap.compiler.Ast.call;
import static io.ktap.compiler.Ast.name;
import static io.ktap.compiler.Ast.num;
import static io.ktap.compiler.Ast.stmt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResolverTest {

    static List<String> codes(String source) {
        return KtapCompiler.compile("r.kp", source).diagnostics().stream().map(Diagnostic::code).collect(Collectors.toList());
    }

    static void ok(String source) {
        CompileResult r = KtapCompiler.compile("r.kp", source);
        assertTrue(r.isSuccess() && r.diagnostics().isEmpty(), () -> source + "\n" + r.format());
    }

    static void fails(ErrorCode code, String source) {
        assertEquals(List.of(code.code()), codes(source), source);
    }

    @Test
    void globalsAreDeclaredByVarFunctionOrAssignmentAnywhere() {
        ok("var n = 0\nprint(n)");
        ok("print(n)\nvar n = 0");
        ok("function f() { return g() }\nfunction g() { return 1 }");
        ok("hist = {}\nprint(hist)");
        ok("function set() { later = 1 }\nprint(later)");
        ok("trace syscalls:* { count = 1 }\ntrace_end { print(count) }");
        ok("print(arg[0], arg[1])");
        fails(ErrorCode.UNDECLARED_NAME, "print(nowhere)");
    }

    @Test
    void localsAndUpvalues() {
        ok("function f(p) { var l = p; return function () { return l + p } }");
        ok("{ var l = 1\n print(l) }");
        fails(ErrorCode.UNDECLARED_NAME, "{ var l = 1 }\nprint(l)");
        fails(ErrorCode.UNDECLARED_NAME, "function f() { var l = 1 }\nfunction g() { return l }");
        ok("for (i = 1, 2) { print(i) }");
        fails(ErrorCode.UNDECLARED_NAME, "for (i = 1, 2) { }\nprint(i)");
        ok("for (i = 0; i < 2; i += 1) { print(i) }");
        ok("for (k, v in pairs(arg)) { print(k, v) }");
        ok("repeat { var done = true } until (done)");
        ok("var t = {}\nfunction t:m() { return self }");
    }

    @Test
    void anAssignmentToALocalDoesNotDeclareAGlobal() {
        fails(ErrorCode.UNDECLARED_NAME, "function f() { var l\n l = 1 }\nprint(l)");
    }

    @Test
    void localsMayShadowBuiltinsButGlobalsMayNot() {
        ok("function f(print) { print(1, 2, 3) }");
        ok("function f() { var len = 1; return len }");
        ok("function f() { var len = function (a, b) { return a }; return len(1, 2) }");
        fails(ErrorCode.BUILTIN_REDEFINED, "var len = 1");
        fails(ErrorCode.BUILTIN_REDEFINED, "function f() { len = 1 }");
        fails(ErrorCode.BUILTIN_REDEFINED, "function print() { }");
        fails(ErrorCode.BUILTIN_REDEFINED, "var kdebug = 1");
        ok("function f(table) { return table.anything }");
    }

    @Test
    void builtinsAsValuesAndBareWords() {
        ok("var p = print\np(1)");
        ok("function f() { return pid + tid }");
        ok("var f = kdebug.probe_end");
    }

    @Test
    void argumentCounts() {
        ok("print()");
        ok("printf('%d', 1, 2, 3)");
        ok("var t = table.new()");
        fails(ErrorCode.WRONG_ARGUMENT_COUNT, "print(len(1, 2))");
        fails(ErrorCode.WRONG_ARGUMENT_COUNT, "kdebug.probe_end()");
        ok("function f(...) { return len(...) }");
    }

    @Test
    void eventVariablesNeedAnEvent() {
        ok("trace syscalls:* { print(argevent, arg1) }");
        ok("tick-1s { print(argname) }");
        ok("function f() { return arg2 }");
        fails(ErrorCode.NO_EVENT_HERE, "print(arg1)");
        fails(ErrorCode.NO_EVENT_HERE, "trace_end { print(argevent) }");
    }

    @Test
    void returnValuesOfHandlersAreIgnoredWithAWarning() {
        CompileResult r = KtapCompiler.compile("w.kp", "trace syscalls:* { return 1 }\ntrace_end { return }");
        assertTrue(r.isSuccess());
        assertEquals(List.of("w.kp:1:20: warning: the values returned from a probe handler are ignored"),
                r.diagnostics().stream().map(Diagnostic::toString).collect(Collectors.toList()));
        assertEquals(List.of(ErrorCode.RETURN_VALUE_IGNORED.code()), codes("return 1"));
    }

    @Test
    void loopsAndVarargs() {
        ok("while (true) { if (true) { break } }");
        fails(ErrorCode.BREAK_OUTSIDE_LOOP, "for (i = 1, 2) { function f() { break } }");
        ok("function f(...) { var t = {...}; return ... }");
        fails(ErrorCode.VARARG_OUTSIDE_VARIADIC, "function f(...) { return function () { return ... } }");
    }

    @Test
    void checksProgramsBuiltWithoutSource() {
        Program built = new Program(Span.NONE, new Block(S, List.of(
                stmt(call("print", name("missing"))),
                stmt(new Expr.Call(S, name("len"), List.of(num(1), num(2)))))));
        List<Diagnostic> diagnostics = Resolver.check(built);
        assertEquals(List.of(ErrorCode.WRONG_ARGUMENT_COUNT.code(), ErrorCode.UNDECLARED_NAME.code()),
                diagnostics.stream().map(Diagnostic::code).sorted().collect(Collectors.toList()).subList(0, 2).stream()
                        .sorted((a, b) -> b.compareTo(a)).collect(Collectors.toList()));
        assertTrue(Resolver.check(new Program(Span.NONE, new Block(S, List.of(new Stmt.Var(S, List.of("v"), List.of()),
                stmt(call("print", name("v"))))))).isEmpty());
    }

    @Test
    void everyErrorCodeIsDistinct() {
        assertEquals(ErrorCode.values().length,
                java.util.Arrays.stream(ErrorCode.values()).map(ErrorCode::code).distinct().count());
    }
}
