package io.ktap.compiler;

import static io.ktap.api.Ktap.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.api.Probes;
import io.ktap.ast.AstPrinter;
import io.ktap.ast.BinOp;
import io.ktap.ast.Program;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * One AST, two front ends: each program written with the fluent API equals (spans aside) the
 * program the compiler parses from the same script: every tutorial and LWN example of the golden
 * corpus, and programs that use every statement and expression form.
 */
class FluentApiEquivalenceTest {

    /** Corpus file (under corpus/valid) -> the same program written with the fluent API. */
    private static final Map<String, Supplier<Program>> CORPUS_TWINS = new LinkedHashMap<>();

    static {
        CORPUS_TWINS.put("tutorial-01-all-tracepoints.kp", () -> program()
                .trace("*:*", h -> h.print(argevent()))
                .build());
        CORPUS_TWINS.put("tutorial-02-syscalls-one-liner.kp", () -> program()
                .trace(Probes.tracepoints("syscalls"), h -> h.print(argevent()))
                .build());
        CORPUS_TWINS.put("tutorial-03-ftrace-function.kp", () -> program()
                .trace(Probes.ftraceFunction(), h -> h.print(argevent()))
                .build());
        CORPUS_TWINS.put("tutorial-03-ftrace-function-filter.kp", () -> program()
                .trace("ftrace:function", filter("ip==mutex*"), h -> h.print(argevent()))
                .build());
        CORPUS_TWINS.put("tutorial-04-syscall-tracing.kp", () -> program()
                .trace("syscalls:*", h -> h.print(cpu(), pid(), execname(), argevent()))
                .build());
        CORPUS_TWINS.put("tutorial-05-syscall-histogram.kp", () -> program()
                .var("s", table())
                .trace("syscalls:sys_enter_*", h -> h.add(index(name("s"), argname()), 1))
                .traceEnd(h -> h.histogram(name("s")))
                .build());
        CORPUS_TWINS.put("tutorial-06-kprobe.kp", () -> program()
                .trace(Probes.kprobe("do_sys_open", "dfd=%di", "fname=%dx", "flags=%cx", "mode=+4($stack)"),
                        h -> h.print("entry:", execname(), argevent()))
                .trace(Probes.kretprobe("do_sys_open", "fd=$retval"),
                        h -> h.print("exit:", execname(), argevent()))
                .build());
        CORPUS_TWINS.put("tutorial-07-uprobe.kp", () -> program()
                .trace(Probes.uprobe("/lib/libc.so.6", "malloc"), h -> h.print("entry:", execname(), argevent()))
                .trace(Probes.uretprobe("/lib/libc.so.6", "malloc"), h -> h.print("exit:", execname(), argevent()))
                .build());
        CORPUS_TWINS.put("tutorial-07-uprobe-fetch-arg.kp", () -> program()
                .trace(Probes.uprobe("/lib64/libc.so.6", "malloc", "size=%di"), h -> h.print(arg(1), arg(2)))
                .build());
        CORPUS_TWINS.put("tutorial-08-sdt.kp", () -> program()
                .trace(Probes.sdt("/lib64/libc.so.6", "lll_futex_wake"),
                        h -> h.print("lll_futex_wake", execname(), argevent()))
                .trace("sdt:/lib64/libc.so.6:*", h -> h.print(execname(), argevent()))
                .build());
        CORPUS_TWINS.put("tutorial-09-timer.kp", () -> program()
                .tick(Duration.ofMillis(1), h -> h.printf("time fired on one cpu\n"))
                .profile(Duration.ofSeconds(2), h -> h.printf("time fired on every cpu\n"))
                .build());
        CORPUS_TWINS.put("tutorial-builtins.kp", () -> program()
                .var("t", table(1, 2, 3))
                .print("values", 1, null, true, false)
                .printf("%d %s\n", 42, "str")
                .forPairs("k", "v", name("t"), b -> b.print(name("k"), name("v")))
                .print(len(name("t")), len("abc"))
                .print(inInterrupt())
                .print(pid(), tid(), uid(), execname(), cpu())
                .print(arch(), kernelV())
                .trace(Probes.syscallEnter("open"), h -> h
                        .print(userString(arg(3)))
                        .print(currTaskInfo(0x20), currTaskInfo(0x20, 8))
                        .eval(printBacktrace()))
                .traceEnd(h -> h.histogram(name("t")).exit())
                .build());
        CORPUS_TWINS.put("tutorial-for-loops.kp", () -> program()
                .var("t", table())
                .forRange("i", 1, 10, 2, b -> b.set(index(name("t"), name("i")), times(name("i"), name("i"))))
                .forLoop("i", 0, lt(name("i"), 10), u -> u.add(name("i"), 3),
                        b -> b.set(index(name("t"), name("i")), name("i")))
                .forPairs("k", "v", name("t"), b -> b.print(name("k"), name("v")))
                .build());
        CORPUS_TWINS.put("tutorial-kdebug.kp", () -> program()
                .var("eventdef_info", 0)
                .function("eventfun", List.of(), f -> f.print(argevent()))
                .function("endfunc", List.of(), f -> f.print("tracing ended"))
                .eval(kdebugProbeById(name("eventdef_info"), name("eventfun")))
                .eval(kdebugProbeEnd(name("endfunc")))
                .build());
        CORPUS_TWINS.put("tutorial-table-library.kp", () -> program()
                .var("t", tableNew(16, 4))
                .set(index(name("t"), 1), "one")
                .print(len(name("t")))
                .build());
        CORPUS_TWINS.put("tutorial-tables.kp", () -> program()
                .set("t", table())
                .set(index(name("t"), 1), 1)
                .set(index(name("t"), 1), "xxx")
                .set(index(name("t"), "key"), 10)
                .set(index(name("t"), "key"), "value")
                .forPairs("k", "v", name("t"), b -> b.print(name("k"), name("v")))
                .build());
        CORPUS_TWINS.put("tutorial-timer-units.kp", () -> program()
                .tick(Duration.ofSeconds(1), h -> h.print("tick-1s"))
                .tick(Duration.ofSeconds(2), h -> h.print("tick-2sec"))
                .tick(Duration.ofMillis(10), h -> h.print("tick-10ms"))
                .tick(Duration.ofMillis(10), h -> h.print("tick-10msec"))
                .tick(Duration.ofNanos(500_000), h -> h.print("tick-500us"))
                .tick(Duration.ofNanos(500_000), h -> h.print("tick-500usec"))
                .profile(Duration.ofSeconds(1), h -> h.print("profile-1s"))
                .profile(Duration.ofSeconds(1), h -> h.print("profile-1sec"))
                .profile(Duration.ofMillis(5), h -> h.print("profile-5ms"))
                .profile(Duration.ofMillis(5), h -> h.print("profile-5msec"))
                .profile(Duration.ofNanos(100_000), h -> h.print("profile-100us"))
                .profile(Duration.ofNanos(100_000), h -> h.print("profile-100usec"))
                .build());
        CORPUS_TWINS.put("lwn-eventfun.kp", () -> program()
                .function("eventfun", List.of("e"), f -> f
                        .printf("%d %d\t%s\t%s", cpu(), pid(), execname(), call(field(name("e"), "tostring"))))
                .eval(kdebugProbe("tp:syscalls", name("eventfun")))
                .build());
        CORPUS_TWINS.put("aggregations.kp", () -> program()
                .var("calls", table())
                .var("bytes", table())
                .trace("syscalls:sys_enter_*", h -> h.aggregate(index(name("calls"), argname()), count()))
                .trace("syscalls:sys_enter_read, syscalls:sys_enter_write", h -> h
                        .aggregate(index(name("bytes"), name("execname")), sum(arg(4)))
                        .aggregate(name("sizes"), hist(arg(4)))
                        .aggregate(name("linear"), lhist(arg(4), 0, 8192, 1024))
                        .set(name("asked"), stats(arg(4))))
                .trace("syscalls:sys_exit_*", h -> h
                        .aggregate(name("biggest"), max(arg(2)))
                        .aggregate(name("smallest"), min(arg(2)))
                        .aggregate(name("mean"), avg(arg(2))))
                .traceEnd(h -> h.print(name("calls")).print(name("bytes")).print(name("sizes")).print(name("linear"))
                        .print(name("asked")).print(name("biggest")).print(name("smallest")).print(name("mean")))
                .build());
        CORPUS_TWINS.put("lwn-syscall-histogram.kp", () -> program()
                .set("hist", table())
                .function("eventfun", List.of("e"), f -> f
                        .when(field(name("e"), "sc_is_enter"),
                                b -> b.eval(inplaceInc(name("hist"), field(name("e"), "name")))))
                .eval(kdebugProbe("tp:syscalls", name("eventfun")))
                .eval(kdebugProbeEnd(fn(List.of(), b -> b.histogram(name("hist")))))
                .build());
    }

    /** Scripts beyond the corpus, with their fluent twins: every statement and expression form. */
    private static final Map<String, Supplier<Program>> SCRIPT_TWINS = new LinkedHashMap<>();

    static {
        SCRIPT_TWINS.put("""
                var count, names = 0, {}
                var big = -9223372036854775808
                function bump(t, k, ...) {
                    t[k] = (t[k] || 0) + 1
                    return t[k], ...
                }
                function counter() {
                    var n = 0
                    return function () { n += 1; return n }
                }
                var next_id = counter()
                trace syscalls:sys_enter_open, syscalls:sys_enter_openat /common_pid != 1/ {
                    count += 1
                    if (arg2 == nil) {
                        print("no name")
                    } elseif (len(user_string(arg2)) > 255) {
                        print("long name")
                    } else {
                        names[execname()] = user_string(arg2)
                    }
                    bump(names, argname)
                }
                profile-10ms {
                    var id = next_id()
                    while (id > 0 && !(id % 7 == 0)) { id -= 1 }
                    repeat { id = id * 2 ^ 3 } until (id >= 100 or id <= -5)
                }
                trace_end {
                    for (k, v in pairs(names)) { printf("%s: %s\\n", k, v) }
                    printf("%d opens, big=%d\\n", count, big)
                }
                """, () -> program()
                .var(List.of("count", "names"), 0, table())
                .var("big", Long.MIN_VALUE)
                .function("bump", params("t", "k").varargs(), f -> f
                        .set(index(name("t"), name("k")), plus(or(index(name("t"), name("k")), 0), 1))
                        .ret(index(name("t"), name("k")), vararg()))
                .function("counter", List.of(), f -> f
                        .var("n", 0)
                        .ret(fn(List.of(), g -> g.add(name("n"), 1).ret(name("n")))))
                .var("next_id", call("counter"))
                .trace(List.of(Probes.syscallEnter("open"), Probes.syscallEnter("openat")), filter("common_pid != 1"),
                        h -> h
                                .add(name("count"), 1)
                                .when(eq(arg(2), nil()), b -> b.print("no name"))
                                .elseWhen(gt(len(userString(arg(2))), 255), b -> b.print("long name"))
                                .otherwise(b -> b.set(index(name("names"), execname()), userString(arg(2))))
                                .call("bump", name("names"), argname()))
                .profile(Duration.ofMillis(10), h -> h
                        .var("id", call("next_id"))
                        .whileLoop(and(gt(name("id"), 0), not(eq(mod(name("id"), 7), 0))),
                                b -> b.subtract(name("id"), 1))
                        .repeatUntil(b -> b.set("id", times(name("id"), pow(2, 3))),
                                or(ge(name("id"), 100), le(name("id"), -5))))
                .traceEnd(h -> h
                        .forPairs("k", "v", name("names"), b -> b.printf("%s: %s\n", name("k"), name("v")))
                        .printf("%d opens, big=%d\n", name("count"), name("big")))
                .build());

        SCRIPT_TWINS.put("""
                var faults = {}
                trace page-faults { faults[execname()] += 1 }
                trace perf:cycles/period=100000/, instructions/freq=99/ { print(argevent) }
                trace mem:0x601040/4:w, mem:jiffies+8/8:rw { print(arg1, ipof(arg2)) }
                trace_end { histogram(faults) }
                """, () -> program()
                .var("faults", table())
                .trace(Probes.perf("page-faults"), h -> h.add(index(name("faults"), execname()), 1))
                .trace(List.of(Probes.perf(io.ktap.ast.Probe.PerfEvent.Counter.CYCLES, 100_000),
                        Probes.perfFrequency(io.ktap.ast.Probe.PerfEvent.Counter.INSTRUCTIONS, 99)), null,
                        h -> h.print(argevent()))
                .trace(List.of(Probes.watch(0x601040, 4, io.ktap.ast.Probe.Breakpoint.Access.W),
                        Probes.watch("jiffies", 8, 8, io.ktap.ast.Probe.Breakpoint.Access.RW)), null,
                        h -> h.print(arg(1), ipof(arg(2))))
                .traceEnd(h -> h.histogram(name("faults")))
                .build());

        SCRIPT_TWINS.put("""
                var t = {1, "two", [3] = 'three', key = {nested = true}, ["a b"] = nil}
                var obj = {}
                function obj.greet(who) { return "hello " .. who }
                function obj:describe() { return self.kind }
                var s = "tab\\there, quote\\", byte \\xff, newline\\n"
                t.key.nested = !t.key.nested
                t[1], t[2] = t[2], t[1]
                t.count = -(5) - -5
                t.count *= 2
                t.count /= 3
                t.count %= 4
                t.count ^= 2
                s ..= obj.greet("ktap") .. obj:describe()
                {
                    var shadow = t
                    shadow.x = tid()
                }
                for (i = 10, 1, -1) { if (i == 3) { break } }
                print(s, t["a b"], pid, ansi.set_color(31), net.format_ip_addr(0))
                """, () -> program()
                .var("t", table(1, "two", entry(3, "three"), entry("key", table(entry("nested", true))),
                        entry("a b", null)))
                .var("obj", table())
                .function(List.of("obj", "greet"), null, params("who"), f -> f.ret(concat("hello ", name("who"))))
                .function(List.of("obj"), "describe", params(), f -> f.ret(field(name("self"), "kind")))
                .var("s", bytes("tab\there, quote\", byte \u00ff, newline\n".getBytes(StandardCharsets.ISO_8859_1)))
                .set(field(field(name("t"), "key"), "nested"), not(field(field(name("t"), "key"), "nested")))
                .set(List.of(index(name("t"), 1), index(name("t"), 2)), index(name("t"), 2), index(name("t"), 1))
                .set(field(name("t"), "count"), minus(neg(5), -5))
                .multiply(field(name("t"), "count"), 2)
                .divide(field(name("t"), "count"), 3)
                .remainder(field(name("t"), "count"), 4)
                .update(field(name("t"), "count"), BinOp.POW, 2)
                .append(name("s"), concat(call(field(name("obj"), "greet"), "ktap"), method(name("obj"), "describe")))
                .block(b -> b.var("shadow", name("t")).set(field(name("shadow"), "x"), tid()))
                .forRange("i", 10, 1, -1, b -> b.when(eq(name("i"), 3), x -> x.breakLoop()))
                .print(name("s"), index(name("t"), "a b"), name("pid"), ansiSetColor(31), netFormatIpAddr(0))
                .build());
    }

    @TestFactory
    Stream<DynamicTest> corpusExamplesEqualTheirFluentTwins() {
        return CORPUS_TWINS.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            String script = corpus(e.getKey());
            assertSame(script, e.getValue().get(), e.getKey());
        }));
    }

    @TestFactory
    Stream<DynamicTest> scriptsEqualTheirFluentTwins() {
        return SCRIPT_TWINS.entrySet().stream().map(e -> DynamicTest.dynamicTest(
                e.getKey().lines().findFirst().orElse(""), () -> assertSame(e.getKey(), e.getValue().get(), "script")));
    }

    /** Every numbered tutorial example and LWN example in the corpus has a fluent twin here. */
    @Test
    void everyTutorialAndLwnExampleHasATwin() throws IOException {
        List<String> files = corpusFiles();
        assertTrue(files.size() >= CORPUS_TWINS.size(), "corpus listing " + files);
        List<String> missing = files.stream()
                .filter(f -> f.matches("tutorial-\\d\\d-.*\\.kp|lwn-.*\\.kp"))
                .filter(f -> !CORPUS_TWINS.containsKey(f))
                .toList();
        assertEquals(List.of(), missing, "corpus examples without a fluent-API twin");
    }

    private static void assertSame(String script, Program api, String what) {
        CompileResult r = KtapCompiler.compile(what, script);
        assertTrue(r.isSuccess(), () -> what + " does not compile:\n" + r.format());
        Program parsed = r.programOrThrow();
        assertEquals(AstPrinter.print(parsed), AstPrinter.print(api), what + ": printed forms differ");
        assertEquals(parsed, api, what);
        // and the API program's own text compiles back to it
        assertEquals(api, KtapCompiler.compile(what, AstPrinter.print(api)).programOrThrow());
    }

    private static String corpus(String file) throws IOException {
        try (InputStream in = FluentApiEquivalenceTest.class.getResourceAsStream("/corpus/valid/" + file)) {
            if (in == null) {
                throw new AssertionError("missing corpus file " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> corpusFiles() throws IOException {
        var url = FluentApiEquivalenceTest.class.getResource("/corpus/valid");
        try (Stream<java.nio.file.Path> s = java.nio.file.Files.list(java.nio.file.Path.of(java.net.URI.create(url.toString())))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
