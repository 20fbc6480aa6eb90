package io.ktap.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ktap.trace.Limits;
import io.ktap.trace.TraceOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The call path (CALL, TAILCALL, RET, frame entry, the global lookup before a call) observed from
 * outside: for every instruction budget from 1 up, and under small call-depth limits, each script
 * prints exactly what {@code call-path.golden} says. The golden file was written by the recursive
 * interpreter that preceded the current one (one Java call per ktap frame), so it pins that the
 * interpreter's rewrite changed nothing a script can see: which instruction the budget stops at,
 * the error messages and lines, the depth at which {@code stack overflow} is raised, tail calls
 * that do not count against it, results padded or cut to what the caller wants, and a global
 * function reassigned to another function or to a non-function between calls.
 * {@code -Dktap.callpath.update=true} rewrites the file (review the diff as a specification).
 */
class CallPathTest {

    /** Calls through globals that change between calls, varargs, multiple results, closures, tail calls. */
    static final String CALLS = """
            function add(a, b) { return a + b }
            function sub(a, b) { return a - b }
            function fib(n) { if (n < 2) { return n } return fib(n - 1) + fib(n - 2) }
            function down(n, acc) { if (n == 0) { return acc } return down(n - 1, acc + 2) }
            function three() { return 1, 2, 3 }
            function all(...) { return ... }
            function first(a, ...) { return a }
            function mk(k) { return function (x) { return x * k } }
            var op = add
            var s = 0
            for (i = 1, 6) {
                s = s + op(i, 10)
                if (i == 2) { op = sub }
                if (i == 4) { op = mk(3) }
            }
            print(s, fib(7))
            var a, b, c, d = three()
            print(a, b, c, d)
            var x, y = all(4, 5, 6)
            print(x, y, first(7, 8, 9), all())
            print(down(40, 0), all(1, 2, 3))
            fib = add
            print(fib(20, 22))
            fib = 5
            print(fib(1))
            print("not reached")
            """;

    /** A global function that becomes a table and then nil between calls: each call fails the same way. */
    static final String NOT_A_FUNCTION = """
            function f(n) { return n + 1 }
            var t = 0
            for (i = 1, 3) { t = t + f(i) }
            print(t)
            f = {}
            print(f(1))
            """;

    /** A tail call returning what the callee returns, through a builtin and a non-function. */
    static final String TAIL = """
            function g(n) { return n * 2 }
            function h(n) { if (n > 3) { return g(n) } return h(n + 1) }
            print(h(0))
            g = 7
            print(h(0))
            """;

    /** Recursion with no end: stack overflow at the depth limit, at the line of the call. */
    static final String DEEP = """
            var n = 0
            function r() {
                n += 1
                return 1 + r()
            }
            print(r())
            """;

    /** Errors raised inside a callee: the callee's line, not the caller's. */
    static final String INNER_ERROR = """
            function div(a, b) {
                return a / b
            }
            function twice(a, b) { return div(a, b) + div(b, a) }
            print(twice(6, 3))
            print(twice(6, 0))
            """;

    private static final Path GOLDEN = Path.of("src/test/resources/call-path.golden");

    private static String run(String script, long budget, int depth) {
        return Scripts.run(script, TraceOptions.defaults().limits(Limits.defaults()
                .mainInstructions(budget).callDepth(depth)));
    }

    /** Every script at every budget up to past its end, and DEEP at several depth limits. */
    static String transcript() {
        StringBuilder out = new StringBuilder();
        List<String> names = List.of("CALLS", "NOT_A_FUNCTION", "TAIL", "INNER_ERROR");
        List<String> scripts = List.of(CALLS, NOT_A_FUNCTION, TAIL, INNER_ERROR);
        for (int i = 0; i < scripts.size(); i++) {
            String full = run(scripts.get(i), 0, 200);
            out.append("== ").append(names.get(i)).append(" unlimited\n").append(full);
            String previous = null;
            for (long budget = 1; ; budget++) {
                String text = run(scripts.get(i), budget, 200);
                if (!text.equals(previous)) {
                    out.append("== ").append(names.get(i)).append(" budget ").append(budget).append('\n').append(text);
                    previous = text;
                }
                if (text.equals(full)) {
                    break;
                }
            }
        }
        for (int depth : new int[] {1, 2, 3, 10, 200, 300, 1000}) {
            out.append("== DEEP depth ").append(depth).append('\n').append(run(DEEP + "print(n)\n", 0, depth));
            out.append(run("""
                    var n = 0
                    function r() { n += 1; if (n < %d) { return r() } return n }
                    print(r())
                    function t(k) { if (k == 0) { return 0 } return 1 + t(k - 1) }
                    print(t(%d))
                    print(t(%d))
                    """.formatted(depth * 3, depth - 1, depth), 0, depth));
        }
        return out.toString();
    }

    @Test
    void everyBudgetAndDepthLimitEndsWhereTheRecursiveInterpreterEnded() throws IOException {
        String actual = transcript();
        if (Boolean.getBoolean("ktap.callpath.update")) {
            Files.writeString(GOLDEN, actual);
        }
        assertEquals(Files.readString(GOLDEN, StandardCharsets.UTF_8), actual);
    }
}
