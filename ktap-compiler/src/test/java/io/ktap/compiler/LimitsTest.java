package io.ktap.compiler;

import io.ktap.ast.Diagnostic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs built to break a naive compiler: deep nesting of every kind, and 10 MB scripts. Each is
 * compiled on a thread with a deliberately small stack (512 KiB, half the usual JVM default), so
 * the nesting bound is shown to leave a wide margin. The timeouts only guard against hangs.
 */
@Timeout(300)
class LimitsTest {

    static final int TEN_MB = 10 * 1024 * 1024;

    /** Compiles on a thread with a 512 KiB stack; rethrows anything thrown (a StackOverflowError included). */
    static CompileResult compileOnSmallStack(String source) throws Throwable {
        AtomicReference<CompileResult> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(KtapCompiler.compileBytes("big.kp", source));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "small-stack-compile", 512 * 1024);
        t.start();
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    static String repeat(String s, int n) {
        return s.repeat(n);
    }

    static void assertTooDeep(CompileResult r) {
        assertFalse(r.isSuccess());
        assertEquals(1, r.errors().size(), r.format());
        assertEquals(ErrorCode.NESTING_TOO_DEEP.code(), r.errors().get(0).code(), r.format());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "var x = %s",
            "var x = %s1",
    })
    void tenThousandNestedParentheses(String template) throws Throwable {
        assertTooDeep(compileOnSmallStack(String.format(template, repeat("(", 10_000)) + repeat(")", 10_000)));
        assertTooDeep(compileOnSmallStack(String.format(template, repeat("(", 10_000))));
    }

    @Test
    void deepNestingOfEveryKind() throws Throwable {
        int n = 10_000;
        String[] deep = {
                repeat("{", n) + repeat("}", n),
                repeat("if (true) {", n) + repeat("}", n),
                repeat("while (true) {", n),
                "var f = function () {" + repeat("return function () {", n),
                "var x = " + repeat("- ", n) + "1",
                "var x = " + repeat("!", n) + "1",
                "var x = " + repeat("not ", n) + "1",
                "var x = " + repeat("{", n) + repeat("}", n),
                "var x = " + repeat("{[", n) + "1",
                "var t = {}\nvar x = t" + repeat(".a", n),
                "var t = {}\nvar x = t" + repeat("[1]", n),
                "var f = print\nf" + repeat("()", n),
                "var s = {}\ns" + repeat(":m()", n),
                "var x = 1" + repeat(" + 1", n),
                "var x = 'a'" + repeat(" .. 'a'", n),
                "var x = 2" + repeat(" ^ 2", n),
                "var x = 1" + repeat(" < 1", n),
                "print(" + repeat("print(", n) + repeat(")", n + 1),
                repeat("repeat {", n),
                repeat("for (k in pairs(arg)) {", n),
        };
        for (String source : deep) {
            CompileResult r = compileOnSmallStack(source);
            assertFalse(r.isSuccess(), source.substring(0, 40));
            assertTrue(r.errors().stream().anyMatch(d -> d.code().equals(ErrorCode.NESTING_TOO_DEEP.code())),
                    () -> source.substring(0, 40) + "\n" + r.format());
        }
    }

    @Test
    void nestingJustBelowTheLimitCompiles() throws Throwable {
        assertTrue(compileOnSmallStack("var x = " + repeat("(", 60) + "1" + repeat(")", 60)).isSuccess());
        assertTrue(compileOnSmallStack("var x = 1" + repeat(" + 1", 150)).isSuccess());
        assertTrue(compileOnSmallStack(repeat("if (true) {", 60) + repeat("}", 60)).isSuccess());
    }

    @Test
    void aTenMegabyteValidScriptCompiles() throws Throwable {
        StringBuilder sb = new StringBuilder(TEN_MB + 200);
        sb.append("var counts = {}\n");
        for (int i = 0; sb.length() < TEN_MB; i++) {
            sb.append("counts[").append(i).append("] = (counts[").append(i % 97).append("] or 0) + ").append(i).append('\n');
            if (i % 1000 == 0) {
                sb.append("trace syscalls:sys_enter_").append(i).append(" { counts[argname] += 1 }\n");
            }
        }
        CompileResult r = compileOnSmallStack(sb.toString());
        assertTrue(r.isSuccess(), r::format);
        assertTrue(r.programOrThrow().body().statements().size() > 200_000);
    }

    @Test
    void tenMegabytesOfJunkStopsAfterAHundredErrors() throws Throwable {
        byte[] junk = new byte[TEN_MB];
        new Random(42).nextBytes(junk);
        CompileResult r = compileOnSmallStack(new String(junk, StandardCharsets.ISO_8859_1));
        assertFalse(r.isSuccess());
        assertTrue(r.errors().size() <= Diagnostics.MAX_ERRORS + 1, () -> r.errors().size() + " errors");
    }

    @Test
    void tenMegabyteLiteralsAndComments() throws Throwable {
        String body = repeat("0123456789abcdef", TEN_MB / 16);
        assertTrue(compileOnSmallStack("var s = [[" + body + "]]").isSuccess());
        assertTrue(compileOnSmallStack("var s = \"" + body + "\"").isSuccess());
        assertTrue(compileOnSmallStack("--[[" + body + "]] print(1)").isSuccess());
        assertTrue(compileOnSmallStack("# " + body + "\nprint(1)").isSuccess());
        CompileResult unterminated = compileOnSmallStack("var s = [[" + body);
        assertEquals(ErrorCode.UNTERMINATED_LONG_BRACKET.code(), unterminated.errors().get(0).code());
        CompileResult deep = compileOnSmallStack(repeat("(", TEN_MB));
        assertFalse(deep.isSuccess());
        CompileResult tokens = compileOnSmallStack(repeat("} ", TEN_MB / 2));
        assertFalse(tokens.isSuccess());
        assertTrue(tokens.errors().size() <= Diagnostics.MAX_ERRORS + 1);
    }

    @Test
    void tooManyErrorsIsTheLastDiagnostic() {
        CompileResult r = KtapCompiler.compile("many.kp", repeat("print(undeclared)\n", 500));
        assertEquals(Diagnostics.MAX_ERRORS + 1, r.errors().size());
        Diagnostic last = r.diagnostics().get(r.diagnostics().size() - 1);
        assertEquals(ErrorCode.TOO_MANY_ERRORS.code(), last.code());
    }
}
