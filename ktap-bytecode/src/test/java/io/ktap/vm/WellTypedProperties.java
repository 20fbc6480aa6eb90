package io.ktap.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.sim.SimBackend;
import io.ktap.sim.SimKernel;
import io.ktap.sim.SimSession;
import io.ktap.trace.TraceOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random well-typed programs (numbers where numbers go, strings where strings go, bounded loops,
 * no division) always run to their end within the default budgets, with no runtime error, and give
 * the same output every time.
 */
class WellTypedProperties {

    /** Generates script text from a seed; every program is well typed and its loops are bounded. */
    static final class Gen {
        private final Random r;
        private final StringBuilder out = new StringBuilder();
        private final List<String> loopVars = new ArrayList<>();
        private int functions;
        private int indent;

        Gen(long seed) {
            r = new Random(seed);
        }

        String program() {
            line("var g0, g1, g2 = " + r.nextInt(100) + ", " + r.nextInt(100) + ", 0");
            line("var t = {}");
            for (int i = r.nextInt(3); i > 0; i--) {
                line("function f" + functions + "(a, b) { return " + intExpr(2, List.of("a", "b")) + " }");
                functions++;
            }
            block(4, 2);
            line("trace syscalls:sys_enter_* {");
            indent++;
            line("t[argname] += 1");
            block(3, 2);
            indent--;
            line("}");
            line("tick-10ms {");
            indent++;
            block(2, 1);
            indent--;
            line("}");
            line("trace_end {");
            indent++;
            line("for (k, v in pairs(t)) { print(k, v) }");
            line("histogram(t)");
            block(2, 1);
            indent--;
            line("}");
            return out.toString();
        }

        private void line(String s) {
            out.append("\t".repeat(indent)).append(s).append('\n');
        }

        private void block(int statements, int depth) {
            for (int i = 0; i < statements; i++) {
                statement(depth);
            }
        }

        private void statement(int depth) {
            switch (r.nextInt(depth > 0 ? 8 : 5)) {
                case 0 -> line("g" + r.nextInt(3) + " = " + intExpr(3, loopVars));
                case 1 -> line("t[\"" + (char) ('a' + r.nextInt(4)) + "\"] += " + intExpr(2, loopVars));
                case 2 -> line("print(" + intExpr(3, loopVars) + ", " + strExpr(2) + ")");
                case 3 -> line("printf(\"%d|%5s|%x\\n\", " + intExpr(2, loopVars) + ", " + strExpr(2) + ", "
                        + intExpr(1, loopVars) + ")");
                case 4 -> line("g2 += len(" + strExpr(2) + ") + len(t)");
                case 5 -> {
                    line("if (" + cond(2) + ") {");
                    indent++;
                    block(1 + r.nextInt(2), depth - 1);
                    indent--;
                    line("} else {");
                    indent++;
                    block(1, depth - 1);
                    indent--;
                    line("}");
                }
                case 6 -> {
                    String v = "i" + loopVars.size();
                    line("for (" + v + " = 1, " + (1 + r.nextInt(5)) + ") {");
                    loopVars.add(v);
                    indent++;
                    block(1 + r.nextInt(2), depth - 1);
                    indent--;
                    loopVars.remove(v);
                    line("}");
                }
                default -> {
                    line("{");
                    indent++;
                    line("var l = " + intExpr(2, loopVars));
                    List<String> vars = new ArrayList<>(loopVars);
                    vars.add("l");
                    line("g1 = l * 2 + " + intExpr(1, vars));
                    indent--;
                    line("}");
                }
            }
        }

        private String intExpr(int depth, List<String> vars) {
            int choice = r.nextInt(depth > 0 ? 9 : 3);
            return switch (choice) {
                case 0 -> "(" + (r.nextInt(2000) - 1000) + ")";
                case 1 -> "g" + r.nextInt(3);
                case 2 -> vars.isEmpty() ? "len(t)" : vars.get(r.nextInt(vars.size()));
                case 3 -> "(" + intExpr(depth - 1, vars) + " + " + intExpr(depth - 1, vars) + ")";
                case 4 -> "(" + intExpr(depth - 1, vars) + " - " + intExpr(depth - 1, vars) + ")";
                case 5 -> "(" + intExpr(depth - 1, vars) + " * " + intExpr(depth - 1, vars) + ")";
                case 6 -> "len(" + strExpr(depth - 1) + ")";
                // "--" starts a comment: negation always gets parentheses.
                case 7 -> functions == 0 ? "-(" + intExpr(depth - 1, vars) + ")"
                        : "f" + r.nextInt(functions) + "(" + intExpr(depth - 1, vars) + ", " + intExpr(depth - 1, vars) + ")";
                default -> "(" + cond(depth - 1) + " and " + intExpr(depth - 1, vars) + " or " + intExpr(depth - 1, vars) + ")";
            };
        }

        private String strExpr(int depth) {
            return switch (r.nextInt(depth > 0 ? 4 : 2)) {
                case 0 -> "\"" + "xyz".substring(0, r.nextInt(4)) + "\"";
                case 1 -> "stringof(g" + r.nextInt(3) + ")";
                case 2 -> strExpr(depth - 1) + " .. " + strExpr(depth - 1);
                default -> "(" + cond(depth - 1) + " and " + strExpr(depth - 1) + " or \"no\")";
            };
        }

        private String cond(int depth) {
            return switch (r.nextInt(depth > 0 ? 5 : 3)) {
                case 0 -> intExpr(0, loopVars) + " < " + intExpr(0, loopVars);
                case 1 -> intExpr(0, loopVars) + " == " + intExpr(0, loopVars);
                case 2 -> strExpr(0) + " != " + strExpr(0);
                case 3 -> "!(" + cond(depth - 1) + ")";
                default -> "(" + cond(depth - 1) + " && " + cond(depth - 1) + ")";
            };
        }
    }

    private static io.ktap.trace.TraceProgram program(String script) {
        var r = io.ktap.compiler.KtapCompiler.compile("t.kp", script);
        assertTrue(r.isSuccess(), () -> r.format() + "\n" + script);
        return io.ktap.trace.TraceProgram.of(r.programOrThrow());
    }

    static String run(String script) {
        SimSession s = new SimBackend(new SimKernel()).withWorkload(session -> {
            for (String e : List.of("read", "write", "read", "close")) {
                session.fire("syscalls:sys_enter_" + e, Map.of());
                session.advance(Duration.ofMillis(7));
            }
        }).open(program(script), TraceOptions.defaults());
        s.start();
        assertTrue(s.errors().isEmpty(), () -> s.errors() + "\n" + script);
        return s.text();
    }

    @Property(tries = 300)
    void wellTypedProgramsRunToTheirEndTheSameEveryTime(@ForAll long seed) {
        String script = new Gen(seed).program();
        String first = run(script);
        assertTrue(first.contains("value ------------- Distribution"), script);
        assertEquals(first, run(script), script);
    }
}
