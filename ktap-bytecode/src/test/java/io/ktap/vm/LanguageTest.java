package io.ktap.vm;

import static io.ktap.vm.Scripts.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The language's semantics on the Java VM: values, operators, control flow, functions, tables. */
class LanguageTest {

    @Test
    void printSeparatesWithTabsAndShowsWords() {
        assertEquals("hello\t1\tnil\ttrue\tfalse\t-5\n", run("print(\"hello\", 1, nil, true, false, -5)"));
        assertEquals("\n", run("print()"));
    }

    @Test
    void integerArithmeticTruncatesAndWraps() {
        assertEquals("3\t-3\t1\t-1\t1024\t-6\n", run("print(7 / 2, -7 / 2, 7 % 3, -7 % 3, 2 ^ 10, -(2 * 3))"));
        assertEquals("-9223372036854775808\t-9223372036854775808\n",
                run("print(-(-9223372036854775807 - 1), 9223372036854775807 + 1)"));
        assertEquals("-9223372036854775808\t0\n",
                run("var m = -9223372036854775807 - 1\nprint(m / -1, m % -1)"));
    }

    @Test
    void equalityNeedsTheSameTypeAndTruthinessIsLuas() {
        assertEquals("false\ttrue\ttrue\ttrue\tfalse\n", run("print(1 == \"1\", 1 != nil, nil == nil, \"a\" == \"a\", {} == {})"));
        assertEquals("1\tx\tfalse\ttrue\tfalse\n", run("print(0 and 1, nil or \"x\", false and 1, !nil, not 0)"));
        assertEquals("yes\tyes\n", run("var a = \"\"\nvar b = 0\nif (a) { printf(\"yes\\t\") }\nif (b) { print(\"yes\") }"));
    }

    @Test
    void comparisonsOnNumbers() {
        assertEquals("true\ttrue\tfalse\ttrue\n", run("print(1 < 2, 2 <= 2, 3 > 4, 4 >= 4)"));
    }

    @Test
    void stringConcatenation() {
        assertEquals("abc\t3\n", run("var s = \"a\" .. \"b\" .. \"c\"\nprint(s, len(s))"));
    }

    @Test
    void loops() {
        assertEquals("1 4 7 10 | 3 2 1 | 5 4 | 0 1 2 | 3\n", run("""
                for (j = 1, 10, 3) { printf("%d ", j) }
                printf("| ")
                for (j = 3; j > 0; j -= 1) { printf("%d ", j) }
                printf("| ")
                for (j = 5, 4, -1) { printf("%d ", j) }
                printf("| ")
                var i = 0
                while (i < 5) { printf("%d ", i); i += 1; if (i == 3) { break } }
                repeat { i -= 1 } until (i == 0)
                for (j = 1, 0) { print("never") }
                var k = 0
                while (true) { k += 1; if (k == 3) { break } }
                printf("| %d\\n", k)
                """));
    }

    @Test
    void numericForHandlesExtremeBoundsWithoutOverflow() {
        assertEquals("2\n", run("var n = 0\nfor (i = 9223372036854775806, 9223372036854775807) { n += 1 }\nprint(n)"));
        assertEquals("2\n", run("var n = 0\nfor (i = -9223372036854775807, -9223372036854775807 - 1, -1) { n += 1 }\nprint(n)"));
    }

    @Test
    void closuresShareAndKeepUpvalues() {
        assertEquals("3\t1\n", run("""
                function counter() { var c = 0; return function () { c += 1; return c } }
                var a = counter()
                var b = counter()
                a(); a()
                print(a(), b())
                """));
        assertEquals("2\t2\n", run("""
                function pair() {
                    var x = 1
                    function get() { return x }
                    function set(v) { x = v }
                    return get, set
                }
                var g, s = pair()
                s(2)
                print(g(), g())
                """));
    }

    @Test
    void closuresInLoopsCaptureEachIteration() {
        assertEquals("1\t2\t3\n", run("""
                var fs = {}
                for (i = 1, 3) { fs[i] = function () { return i } }
                print(fs[1](), fs[2](), fs[3]())
                """));
    }

    @Test
    void multipleResultsAndVarargs() {
        assertEquals("5\t6\tnil\n3\t5\t6\t7\n", run("""
                function f(...) { var a, b, c = ...; return a, b, c }
                function g(...) { return len({...}), ... }
                var p, q, r = f(5, 6)
                print(p, q, r)
                print(g(5, 6, 7))
                """));
    }

    @Test
    void tailCallsDoNotGrowTheStack() {
        assertEquals("0\n", run("function loop(n) { if (n == 0) { return 0 } return loop(n - 1) }\nprint(loop(1000000))"));
    }

    @Test
    void recursion() {
        assertEquals("832040\n", run("function fib(n) { if (n < 2) { return n } return fib(n-1) + fib(n-2) }\nprint(fib(30))",
                io.ktap.trace.TraceOptions.defaults().limits(io.ktap.trace.Limits.defaults().mainInstructions(0))));
    }

    @Test
    void tablesIterateInInsertionOrder() {
        assertEquals("1\t1\n2\t2\n3\t3\nx\ty\n10\ttrue\n", run("""
                var t = {1, 2, 3, x = "y", [10] = true}
                for (k, v in pairs(t)) { print(k, v) }
                """));
        assertEquals("b\t2\nc\t3\na\t4\n", run("""
                var t = {}
                t.a = 1; t.b = 2; t.c = 3
                t.a = nil
                t.a = 4
                for (k, v in pairs(t)) { print(k, v) }
                """));
    }

    @Test
    void removingKeysWhileIteratingIsSafe() {
        assertEquals("3\t0\n", run("""
                var t = {a = 1, b = 2, c = 3}
                var n = 0
                for (k, v in pairs(t)) { t[k] = nil; n += 1 }
                print(n, len(t))
                """));
    }

    @Test
    void tableKeysAndCounting() {
        assertEquals("2\tnil\t1\t2\n", run("""
                var s = {}
                s["a"] += 1
                s["a"] += 1
                s.b = 5
                delete(s, "b")
                s[true] = 1
                var k = {}
                s[k] = 2
                print(s["a"], s.b, s[true], s[k])
                """));
    }

    @Test
    void methodCallsPassTheReceiver() {
        assertEquals("7\n", run("""
                var obj = {v = 3}
                function obj.add(self, n) { return self.v + n }
                print(obj:add(4))
                """));
    }

    @Test
    void globalsAreSharedWithHandlersAndTheEndBlock() {
        assertEquals("main\nend\t1\n", run("var x = 0\nx = 1\nprint(\"main\")\ntrace_end { print(\"end\", x) }"));
    }

    @Test
    void scriptArgumentsAreNumbersWhenTheyParse() {
        var options = io.ktap.trace.TraceOptions.defaults().scriptArgs("count.kp", java.util.List.of("10", "0x10", "-3", "openat", ""));
        assertEquals("count.kp\t10\t16\t-3\topenat\t\t5\n",
                run("print(arg[0], arg[1], arg[2], arg[3], arg[4], arg[5], len(arg) - 1)", options));
    }
}
