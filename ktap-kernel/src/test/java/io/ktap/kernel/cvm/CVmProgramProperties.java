package io.ktap.kernel.cvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.Limits;
import io.ktap.sim.SimKernel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Random ktap programs give the same output on the C VM as on the Java VM: arithmetic with
 * wrapping and division by zero, comparisons, strings and concatenation, tables (counting,
 * removal, iteration order, nested tables), loops, functions, recursion, closures and upvalues,
 * varargs, printf, histograms, typed records (emit), and the runtime errors and limits all of these can hit (small
 * budgets and quotas make the limits reachable).
 */
class CVmProgramProperties {

    private static final String[] VARS = {"a", "b", "c", "t", "s"};

    @Property(tries = 500)
    void randomProgramsAgree(@ForAll("programs") String program, @ForAll("limits") Limits limits) {
        Chunk chunk;
        try {
            chunk = Scripts.compile("random.kp", program.getBytes(StandardCharsets.UTF_8), limits);
        } catch (IllegalArgumentException e) {
            Statistics.label("program").collect("does not compile");
            return;
        }
        SimKernel kernel = new SimKernel();
        io.ktap.sim.SimTask task = io.ktap.sim.SimTask.of(77, "prop");
        List<TwoVms.Firing> firings = List.of(
                new TwoVms.Firing(0, kernel.newEvent("syscalls:sys_enter_openat", java.util.Map.of(), task, 0)),
                new TwoVms.Firing(0, kernel.newEvent("syscalls:sys_enter_openat", java.util.Map.of(), task, 1)));
        TwoVms.Result r = TwoVms.run(chunk, kernel, List.of(), firings);
        Statistics.label("program").collect(r.javaText().contains("error:") ? "runtime error" : "runs");
        assertEquals(r.javaText(), r.cText(), () -> "program:\n" + program);
        assertEquals(r.javaRecords(), r.cRecords(), () -> "typed records of:\n" + program);
        assertEquals(r.javaOutcomes().stream().map(Enum::name).toList(),
                r.cOutcomes().stream().map(Enum::name).toList(), () -> "outcomes of:\n" + program);
    }

    @Provide
    Arbitrary<Limits> limits() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just(Limits.DEFAULT)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.longs().between(50, 5000),
                        Arbitraries.integers().between(2, 12), Arbitraries.integers().between(1, 12),
                        Arbitraries.integers().between(1, 40), Arbitraries.integers().between(8, 64))
                        .as((budget, depth, tables, entries, str) -> Limits.DEFAULT.withMainBudget(budget)
                                .withMaxCallDepth(depth).withMaxTables(tables).withMaxTableEntries(entries)
                                .withMaxStringLength(str).withStringPoolBytes(str * 4).withMaxClosures(tables))));
    }

    @Provide
    Arbitrary<String> programs() {
        Arbitrary<String> stmt = statement(3);
        return stmt.list().ofMinSize(1).ofMaxSize(12).map(ss -> {
            StringBuilder sb = new StringBuilder();
            sb.append("var a, b, c = 1, 2, 3\nvar t = {}\nvar s = \"s\"\n");
            sb.append("function f(x, y) { if (x == nil) { return 0 } return x * 2 + (y or 1) }\n");
            sb.append("function g(n) { if (n <= 0) { return 0 } return n + g(n - 1) }\n");
            sb.append("function h(...) { var x, y = ... ; return x }\n");
            sb.append("function mk(k) { var n = k; return function (d) { n += d; return n } }\n");
            ss.forEach(x -> sb.append(x).append('\n'));
            sb.append("trace syscalls:sys_enter_openat { a = a + 1; t[argname] += arg1; print(argname, arg2, arg9) }\n");
            sb.append("trace_end { print(\"end\", a, b, c, len(t)) }\n");
            return sb.toString();
        });
    }

    private Arbitrary<String> statement(int depth) {
        Arbitrary<String> v = Arbitraries.of(VARS);
        Arbitrary<String> e = expr(3);
        Arbitrary<String> simple = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of("a", "b", "c", "s"), e).as((x, y) -> x + " = " + y),
                Combinators.combine(e, e).as((k, y) -> "t[" + k + "] = " + y),
                Combinators.combine(e, e).as((k, y) -> "t[" + k + "] += " + y),
                e.map(k -> "t[" + k + "] = nil"),
                e.map(x -> "emit(\"R1\", " + x + ")"),
                Combinators.combine(e, e).as((x, y) -> "emit(\"R2\", " + x + ", " + y + ")"),
                e.list().ofMinSize(0).ofMaxSize(4).map(xs -> "print(" + String.join(", ", xs) + ")"),
                Combinators.combine(Arbitraries.of("%d", "%5d|%-4d|", "%x %X %o", "%s", "%10s|", "%-6s|", "%c", "%05d",
                        "%+d % d", "%.3d", "%#x %#o", "%p", "%%"), e.list().ofMinSize(0).ofMaxSize(3))
                        .as((fmt, xs) -> "printf(\"" + fmt + "\\n\"" + (xs.isEmpty() ? "" : ", ") + String.join(", ", xs) + ")"),
                Arbitraries.of("histogram(t)", "histogram(t, 2)", "delete(t)", "t = {}", "t = {1, 2, \"x\", b}",
                        "t[\"in\"] = {}", "c = mk(a)", "a = g(b % 50)", "b = h(1, 2, 3)", "b = h()",
                        "for (k, x in pairs(t)) { print(k, x) }",
                        "for (k, x in pairs(t)) { t[k] = nil }",
                        "for (i = 1, 5) { a += i }", "for (i = 10, 1, -3) { print(i) }",
                        "s = s .. \"x\" .. s", "print(stringof(a), stringof(t))", "exit()", "a = g(100000)",
                        "while (a < 100) { a = a * 2 + 1 }", "print(f(a), f(nil), f(1, 2))"));
        if (depth == 0) {
            return simple;
        }
        Arbitrary<String> block = Arbitraries.lazy(() -> statement(depth - 1)).list().ofMinSize(0).ofMaxSize(3)
                .map(ss -> "{ " + String.join("\n", ss) + " }");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, simple),
                net.jqwik.api.Tuple.of(1, Combinators.combine(e, block, block).as((c, x, y) -> "if (" + c + ") " + x + " else " + y)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.integers().between(-3, 6), block)
                        .as((n, x) -> "for (i = 1, " + n + ") " + x)),
                net.jqwik.api.Tuple.of(1, block.map(x -> "for (k, x in pairs(t)) " + x)));
    }

    private Arbitrary<String> expr(int depth) {
        Arbitrary<String> leaf = Arbitraries.oneOf(
                Arbitraries.of(VARS),
                Arbitraries.longs().between(-5, 20).map(Object::toString),
                Arbitraries.of("0", "-1", "9223372036854775807", "0x7f", "\"\"", "\"k\"", "\"abc\"", "nil", "true",
                        "false", "t[1]", "t[\"k\"]", "len(t)", "len(s)"));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<String> sub = Arbitraries.lazy(() -> expr(depth - 1));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, leaf),
                net.jqwik.api.Tuple.of(2, Combinators.combine(sub, Arbitraries.of("+", "-", "*", "/", "%", "==", "!=",
                        "<", "<=", ">", ">=", "..", "and", "or"), sub).as((x, op, y) -> "(" + x + " " + op + " " + y + ")")),
                net.jqwik.api.Tuple.of(1, sub.map(x -> "(-" + x + ")")),
                net.jqwik.api.Tuple.of(1, sub.map(x -> "(!" + x + ")")),
                net.jqwik.api.Tuple.of(1, Combinators.combine(sub, sub).as((x, y) -> "f(" + x + ", " + y + ")")),
                net.jqwik.api.Tuple.of(1, sub.map(x -> "t[" + x + "]")));
    }
}
