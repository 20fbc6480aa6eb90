package io.ktap.api;

import static io.ktap.api.Ktap.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.ast.AstPrinter;
import io.ktap.ast.BinOp;
import io.ktap.ast.Block;
import io.ktap.ast.Builtin;
import io.ktap.ast.Expr;
import io.ktap.ast.Probe;
import io.ktap.ast.Program;
import io.ktap.ast.Span;
import io.ktap.ast.Stmt;
import io.ktap.ast.UnOp;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KtapApiTest {

    private static final Span S = Span.NONE;

    private static void rejects(String reason, Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertEquals(reason, x.getMessage());
    }

    @Test
    void theHistogramExampleIsTheExpectedAst() {
        Program p = program()
                .var("s", table())
                .trace("syscalls:sys_enter_*", h -> h.add(index(name("s"), argname()), 1))
                .traceEnd(h -> h.call(Builtin.HISTOGRAM, name("s")))
                .build();

        Expr s = new Expr.Name(S, "s");
        Program expected = new Program(S, Block.of(
                new Stmt.Var(S, List.of("s"), List.of(new Expr.Table(S, List.of()))),
                new Stmt.Trace(S, List.of(new Probe.Tracepoint(S, "syscalls", "sys_enter_*")), null, Block.of(
                        new Stmt.CompoundAssign(S, new Expr.Index(S, s, new Expr.EventVar(S, Expr.EventVar.Kind.ARGNAME)),
                                BinOp.ADD, new Expr.Int(S, 1)))),
                new Stmt.TraceEnd(S, Block.of(new Stmt.ExprStmt(S,
                        new Expr.Call(S, new Expr.Name(S, "histogram"), List.of(s)))))));
        assertEquals(expected, p);
        assertEquals("""
                var s = {}
                trace syscalls:sys_enter_* {
                \ts[argname] += 1
                }
                trace_end {
                \thistogram(s)
                }
                """, AstPrinter.print(p));
    }

    @Test
    void everyStatementForm() {
        Program p = program()
                .var("g")
                .var(List.of("a", "b"), 1, "two")
                .function("add", List.of("x", "y"), f -> f.ret(plus(name("x"), name("y"))))
                .function(List.of("obj"), "m", params("k").varargs(), f -> f.ret(vararg()))
                .set("a", call("add", 1, 2))
                .set(List.of(name("a"), index(name("g"), 1)), 3, 4)
                .add(name("a"), 1).subtract(name("a"), 2).multiply(name("a"), 3).divide(name("a"), 4)
                .remainder(name("a"), 5).append(name("b"), "!").update(name("a"), BinOp.POW, 2)
                .block(b -> b.var("inner", nil()))
                .when(lt(name("a"), 0), b -> b.print("neg"))
                .elseWhen(eq(name("a"), 0), b -> b.print("zero"))
                .otherwise(b -> b.print("pos"))
                .whileLoop(gt(name("a"), 0), b -> b.subtract(name("a"), 1).when(eq(name("a"), 5), x -> x.breakLoop()))
                .repeatUntil(b -> b.add(name("a"), 1), ge(name("a"), 10))
                .forRange("i", 1, 10, b -> b.print(name("i")))
                .forRange("i", 10, 1, -1, b -> b.print(name("i")))
                .forLoop("i", 0, lt(name("i"), 10), u -> u.add(name("i"), 2), b -> b.print(name("i")))
                .forPairs("k", "v", name("g"), b -> b.printf("%s=%d\n", name("k"), name("v")))
                .forIn(List.of("k"), List.of(call("next"), name("g")), b -> b.exit())
                .eval(method(name("g"), "m", 1))
                .build();
        assertEquals("""
                var g
                var a, b = 1, "two"
                function add(x, y) {
                \treturn x + y
                }
                function obj:m(k, ...) {
                \treturn ...
                }
                a = add(1, 2)
                a, g[1] = 3, 4
                a += 1
                a -= 2
                a *= 3
                a /= 4
                a %= 5
                b ..= "!"
                a ^= 2
                {
                \tvar inner = nil
                }
                if (a < 0) {
                \tprint("neg")
                } elseif (a == 0) {
                \tprint("zero")
                } else {
                \tprint("pos")
                }
                while (a > 0) {
                \ta -= 1
                \tif (a == 5) {
                \t\tbreak
                \t}
                }
                repeat {
                \ta += 1
                } until (a >= 10)
                for (i = 1, 10) {
                \tprint(i)
                }
                for (i = 10, 1, -1) {
                \tprint(i)
                }
                for (i = 0; i < 10; i += 2) {
                \tprint(i)
                }
                for (k, v in pairs(g)) {
                \tprintf("%s=%d\\n", k, v)
                }
                for (k in next(), g) {
                \texit()
                }
                g:m(1)
                """, AstPrinter.print(p));
    }

    @Test
    void everyExpressionForm() {
        Expr e = table(
                nil(), lit(true), lit(false), 42, -7, "s\u00e9", bytes(new byte[] {(byte) 0xff}), vararg(),
                name("x"), index(name("t"), "k"), field(name("t"), "f"), index(name("t"), 1),
                call(name("f"), 1), call(Builtin.TABLE_NEW, 4, 0), method(name("o"), "m"),
                fn(params("a"), b -> b.ret(name("a"))), fn(List.of(), b -> { }),
                entry("key", 1), entry(2, "two"),
                minus(times(2, 3), div(mod(7, 4), pow(2, 3))), concat("a", "b"),
                and(or(ne(1, 2), le(1, 2)), not(neg(name("x")))),
                binary(BinOp.GE, 1, 2), unary(UnOp.NOT, true),
                arg(1), arg(9), argevent(), argname());
        assertEquals("{nil, true, false, 42, -7, \"s\\xc3\\xa9\", \"\\xff\", ..., x, t.k, t.f, t[1], f(1), "
                + "table.new(4, 0), o:m(), function (a) {\n\treturn a\n}, function () {\n}, key = 1, [2] = \"two\", "
                + "2 * 3 - 7 % 4 / 2 ^ 3, \"a\" .. \"b\", (1 != 2 || 1 <= 2) && !-x, 1 >= 2, !true, "
                + "arg1, arg9, argevent, argname}", AstPrinter.print(e));
    }

    @Test
    void negativeLiteralsAreLiterals() {
        assertEquals(new Expr.Int(S, -5), lit(-5));
        assertEquals(new Expr.Int(S, -5), val(-5));
        assertEquals("-9223372036854775808", AstPrinter.print(lit(Long.MIN_VALUE)));
        assertEquals("-(5)", AstPrinter.print(neg(5)));
    }

    @Test
    void probeBlocksAndTimers() {
        Program p = program()
                .trace("probe:do_sys_open dfd=%di fname=%dx flags=%cx mode=+4($stack)",
                        h -> h.print("entry:", execname(), argevent()))
                .trace(Probes.kretprobe("do_sys_open", "fd=$retval"), h -> h.print("exit:", execname(), argevent()))
                .trace("ftrace:function", filter(" ip==mutex* "), h -> h.print(argevent()))
                .trace(Probes.ftraceFunction(), filter("ip==vfs*"), h -> h.print(argevent()))
                .trace(List.of(Probes.syscallEnter("open"), Probes.syscallExit("open")), null, h -> h.print(argname()))
                .trace("sdt:/lib64/libc.so.6:*", h -> h.print(execname(), argevent()))
                .tick(Duration.ofMillis(1), h -> h.printf("time fired on one cpu\n"))
                .profile(Duration.ofSeconds(2), h -> h.printf("time fired on every cpu\n"))
                .build();
        assertEquals("""
                trace probe:do_sys_open dfd=%di fname=%dx flags=%cx mode=+4($stack) {
                \tprint("entry:", execname(), argevent)
                }
                trace probe:do_sys_open%return fd=$retval {
                \tprint("exit:", execname(), argevent)
                }
                trace ftrace:function /ip==mutex*/ {
                \tprint(argevent)
                }
                trace ftrace:function /ip==vfs*/ {
                \tprint(argevent)
                }
                trace syscalls:sys_enter_open, syscalls:sys_exit_open {
                \tprint(argname)
                }
                trace sdt:/lib64/libc.so.6:* {
                \tprint(execname(), argevent)
                }
                tick-1ms {
                \tprintf("time fired on one cpu\\n")
                }
                profile-2s {
                \tprintf("time fired on every cpu\\n")
                }
                """, AstPrinter.print(p));
    }

    @Test
    void probeFactoriesMatchTheirText() {
        assertEquals(Probes.parse("sched:sched_switch"), Probes.tracepoint("sched", "sched_switch"));
        assertEquals(Probes.parse("sched:*"), Probes.tracepoints("sched"));
        assertEquals(Probes.parse("tp:syscalls"), Probes.tracepoints("syscalls"));
        assertEquals(Probes.parse("probe:vfs_read+0x10 a=%di"), Probes.kprobe("vfs_read", 16, "a=%di"));
        assertEquals(Probes.parse("probe:/lib/libc.so.6:malloc size=%di"), Probes.uprobe("/lib/libc.so.6", "malloc", "size=%di"));
        assertEquals(Probes.parse("probe:/bin/p:main+8"), Probes.uprobe("/bin/p", "main", 8));
        assertEquals(Probes.parse("probe:/bin/p:0x4005d0"), Probes.uprobeAt("/bin/p", 0x4005d0));
        assertEquals(Probes.parse("probe:/lib/libc.so.6:malloc%return p=$retval"),
                Probes.uretprobe("/lib/libc.so.6", "malloc", "p=$retval"));
        assertEquals(Probes.parse("sdt:/lib64/libc.so.6:lll_futex_wake"), Probes.sdt("/lib64/libc.so.6", "lll_futex_wake"));
        assertEquals(Probes.parse("tick-10ms"), Probes.tick(Duration.ofMillis(10)));
        assertEquals(Probes.parse("profile-1s"), Probes.profile(Duration.ofSeconds(1)));
    }

    @Test
    void mistakesFailWhereTheyAreWritten() {
        rejects("invalid eventdef 'probe:do_sys_open fd=$retval': fetch argument 'fd=$retval': "
                + "$retval exists only in return probes (%return)",
                () -> program().trace("probe:do_sys_open fd=$retval", h -> { }));
        rejects("invalid eventdef 'syscalls:sys_enter_open x=1': a tracepoint takes no arguments",
                () -> program().trace("syscalls:sys_enter_open x=1", h -> { }));
        rejects("invalid eventdef 'probe:f+0x4 a=$arg1': fetch argument 'a=$arg1': "
                + "$argN exists only in a kprobe on a function entry (no offset, no %return)",
                () -> Probes.kprobe("f", 4, "a=$arg1"));
        rejects("fetch argument '%di' needs a name: NAME=FETCHARG", () -> Probes.kprobe("f", "%di"));
        rejects("tick period must be at least 1us, not PT0S", () -> program().tick(Duration.ZERO, h -> { }));
        rejects("profile period must be whole microseconds, not PT0.0000015S",
                () -> program().profile(Duration.ofNanos(1500), h -> { }));
        rejects("an event filter cannot contain '/', braces or a line break: 'a/b'", () -> filter("a/b"));
        rejects("an event filter cannot contain '/', braces or a line break: 'a{'", () -> filter("a{"));
        rejects("an event filter cannot be empty", () -> filter("  "));
        rejects("'if' is a keyword, not a name", () -> name("if"));
        rejects("'arg3' is an event field, not a name: use arg(3)", () -> name("arg3"));
        rejects("'arg0' is an event field, not a variable (fields are arg1..arg9)", () -> program().var("arg0"));
        rejects("'2x' is not a parameter: letters, digits and '_', not starting with a digit", () -> params("2x"));
        rejects("duplicate parameter name in [a, a]", () -> params("a", "a"));
        rejects("there is no arg0: event fields are arg1..arg9 (for syscalls arg1 is the syscall number, "
                + "for kprobes/uprobes the probed ip)", () -> arg(0));
        rejects("event arguments are arg1..arg9, not arg10", () -> arg(10));
        rejects("histogram takes 1 to 2 arguments, not 3", () -> call(Builtin.HISTOGRAM, 1, 2, 3));
        rejects("pid takes 0 arguments, not 1", () -> call(Builtin.PID, 1));
        rejects("len takes 1 argument, not 0", () -> call(Builtin.LEN));
        rejects("printf takes at least 1 argument, not 0", () -> program().call(Builtin.PRINTF));
        rejects("a java.lang.Double is not a ktap value: use an Expr, a whole number, a String, a boolean or null",
                () -> val(1.5));
        rejects("a table key cannot be nil", () -> entry(null, 1));
        rejects("a for-loop update is exactly one statement, not 2",
                () -> program().forLoop("i", 0, true, u -> u.add(name("i"), 1).add(name("i"), 1), b -> { }));
        rejects("cannot assign to f(): only a name or an index t[k] can be assigned", () -> program().set(call("f"), 1));
        rejects("cannot assign to 1: only a name or an index t[k] can be assigned", () -> program().add(lit(1), 1));
    }

    @Test
    void elseArmsMustFollowAnOpenIf() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> program().otherwise(b -> { }));
        assertEquals("otherwise(...) must directly follow when(...) or elseWhen(...)", e.getMessage());
        assertThrows(IllegalStateException.class, () -> program().print(1).elseWhen(true, b -> { }));
        assertThrows(IllegalStateException.class,
                () -> program().when(true, b -> { }).otherwise(b -> { }).otherwise(b -> { }));
        assertThrows(IllegalStateException.class,
                () -> program().when(true, b -> { }).otherwise(b -> { }).elseWhen(false, b -> { }));
    }

    @Test
    void closuresCaptureOuterNames() {
        Program p = program()
                .function("counter", List.of(), f -> f
                        .var("n", 0)
                        .ret(fn(List.of(), g -> g.add(name("n"), 1).ret(name("n")))))
                .var("c", call("counter"))
                .print(call(name("c")))
                .build();
        assertEquals("""
                function counter() {
                \tvar n = 0
                \treturn function () {
                \t\tn += 1
                \t\treturn n
                \t}
                }
                var c = counter()
                print(c())
                """, AstPrinter.print(p));
    }

    /** The typed factory of a builtin: its qualified name in camel case ({@code ansi.set_color} -> ansiSetColor). */
    static String factoryName(Builtin b) {
        String[] parts = b.qualifiedName().split("[._]");
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            sb.append(parts[i].substring(0, 1).toUpperCase(Locale.ROOT)).append(parts[i].substring(1));
        }
        return sb.toString();
    }

    /** emit's factories take the record type (a class or a name) first: see {@link #emitFactoriesNameTheRecordType()}. */
    @ParameterizedTest
    @EnumSource(value = Builtin.class, mode = EnumSource.Mode.EXCLUDE, names = "EMIT")
    void everyBuiltinHasATypedFactoryForEachArity(Builtin b) throws Exception {
        String factory = factoryName(b);
        List<Method> methods = Arrays.stream(Ktap.class.getMethods())
                .filter(m -> m.getName().equals(factory) && Modifier.isStatic(m.getModifiers()))
                .toList();
        assertTrue(!methods.isEmpty(), "Ktap." + factory + " exists for " + b);
        int max = b.maxArgs() == Builtin.VARIADIC ? b.minArgs() + 2 : b.maxArgs();
        for (int n = b.minArgs(); n <= max; n++) {
            Object[] args = new Object[n];
            for (int i = 0; i < n; i++) {
                args[i] = name("a" + i);
            }
            Expr.Call expected = call(b, args);
            Expr.Call actual = invoke(methods, args);
            assertEquals(expected, actual, factory + " with " + n + " arguments");
            String callee = AstPrinter.print(actual.callee());
            assertEquals(b.qualifiedName(), callee);
        }
    }

    record OpenEvent(long pid, String comm, boolean ok) {
    }

    record Unusable(double ratio) {
    }

    record Empty() {
    }

    @Test
    void emitFactoriesNameTheRecordType() {
        Expr.Call expected = call(Builtin.EMIT, "OpenEvent", pid(), execname(), lit(true));
        assertEquals(expected, emit(OpenEvent.class, pid(), execname(), true));
        assertEquals(expected, emit("OpenEvent", pid(), execname(), true));
        assertEquals("emit(\"OpenEvent\", pid(), execname(), true)", AstPrinter.print(expected));
        var wrongArity = assertThrows(IllegalArgumentException.class, () -> emit(OpenEvent.class, pid()));
        assertEquals("record OpenEvent has 3 components [pid, comm, ok], not 1 values", wrongArity.getMessage());
        var badType = assertThrows(IllegalArgumentException.class, () -> emit(Unusable.class, 1));
        assertTrue(badType.getMessage().contains("component 'ratio' is a double"), badType.getMessage());
        assertThrows(IllegalArgumentException.class, () -> emit(Empty.class));
        assertThrows(IllegalArgumentException.class, () -> emit("OpenEvent"));
        assertThrows(IllegalArgumentException.class, () -> emit("", 1));
        assertThrows(IllegalArgumentException.class, () -> call(Builtin.EMIT));
    }

    /** Whether {@code m}'s parameters take {@code args} as they are (lhist also has a long-bounds overload). */
    private static boolean accepts(Method m, Object[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!m.getParameterTypes()[i].isInstance(args[i])) {
                return false;
            }
        }
        return true;
    }

    private static Expr.Call invoke(List<Method> methods, Object[] args) throws Exception {
        for (Method m : methods) {
            if (m.isVarArgs()) {
                int fixed = m.getParameterCount() - 1;
                if (args.length < fixed) {
                    continue;
                }
                Object[] actual = new Object[fixed + 1];
                System.arraycopy(args, 0, actual, 0, fixed);
                actual[fixed] = Arrays.copyOfRange(args, fixed, args.length);
                return (Expr.Call) m.invoke(null, actual);
            }
            if (m.getParameterCount() == args.length && accepts(m, args)) {
                return (Expr.Call) m.invoke(null, args);
            }
        }
        throw new AssertionError("no overload of " + methods.get(0).getName() + " takes " + args.length + " arguments");
    }

    @Test
    void builtinStatementsOnBodies() {
        Program p = program()
                .print("a", 1).printf("%d\n", pid()).histogram(name("t")).exit()
                .call(Builtin.ANSI_SET_COLOR, 31).eval(ansiResetColor()).call("f", true)
                .eval(kdebugProbe("tp:syscalls", fn(List.of("e"), b -> b.eval(inplaceInc(name("h"), field(name("e"), "name"))))))
                .build();
        assertEquals("""
                print("a", 1)
                printf("%d\\n", pid())
                histogram(t)
                exit()
                ansi.set_color(31)
                ansi.reset_color()
                f(true)
                kdebug.probe("tp:syscalls", function (e) {
                \tinplace_inc(h, e.name)
                })
                """, AstPrinter.print(p));
    }

    @Test
    void buildersAreReusableAndBuildIndependentPrograms() {
        ProgramBuilder b = program().var("x", 1);
        Program first = b.build();
        Program second = b.print(name("x")).build();
        assertEquals(1, first.body().statements().size());
        assertEquals(2, second.body().statements().size());
    }
}
