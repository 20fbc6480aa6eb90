package io.ktap.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.compiler.CompileResult;
import io.ktap.compiler.KtapCompiler;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceProgram;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden corpus ({@code ktap-compiler/src/test/resources/corpus/valid}) on the Java VM and the
 * simulated kernel: every script runs under {@link #workload(SimSession)} and its whole text output (printed
 * text and {@code error:} lines) must equal {@code NAME.out} byte for byte.
 *
 * <p>Run with {@code -Dktap.corpus.update=true} to rewrite the {@code .out} files from the VM's
 * output; review the diff as a specification.
 */
class GoldenCorpusTest {

    static final Path CORPUS = Path.of(System.getProperty("ktap.corpus", "../ktap-compiler/src/test/resources/corpus"));

    private static final long USER_TEXT = 0x401126;

    /**
     * The corpus workload, the same for every script and every engine: the main chunk runs, then
     * these events happen (in this order, the clock starting 100 s after boot, each followed by a
     * 1 ms advance of the clock, which fires the timers that fall due), then the end blocks run.
     * User memory holds {@code "/etc/passwd"} at 0x7000.
     *
     * <ol>
     * <li>task cat-4242 (uid 1000) on CPU 1: {@code sys_enter_open} (filename 0x7000, flags 0),
     * {@code sys_exit_open} (ret 3), {@code sys_enter_openat} (dfd -100, filename 0x7000),
     * {@code sys_exit_openat} (ret 4), {@code sys_enter_read} (fd 3, count 4096), {@code sys_exit_read}
     * (ret 1024), {@code sys_enter_write} (fd 1, count 12), {@code sys_enter_close} (fd 3)</li>
     * <li>CPU 0, swapper/0-0: {@code sched_switch} (prev swapper/0 0 prio 120 state 0 ⇒ next cat 4242 prio 120)</li>
     * <li>cat-4242 on CPU 1: {@code ftrace:function} (ip {@code mutex_lock}, parent {@code vfs_read+0x20}),
     * then every kprobe, uprobe and SDT event the program attached to, in the order they were defined,
     * 1 ms apart, with all fields 0 or empty except the probe's addresses: {@code __probe_ip} (and a
     * return probe's {@code __probe_func}) the probed kernel function, or 0x401126 in user space;
     * a kretprobe's {@code __probe_ret_ip} {@code do_syscall_64+0x5c}, a uretprobe's 0x401166</li>
     * <li>the clock advances 10 ms, firing the timers that fall due</li>
     * </ol>
     */
    static void workload(SimSession s) {
        SimKernel k = s.kernel();
        SimTask cat = SimTask.of(4242, "cat").uid(1000);
        Object[][] syscalls = {
            {"sys_enter_open", Map.of("filename", 0x7000, "flags", 0)},
            {"sys_exit_open", Map.of("ret", 3)},
            {"sys_enter_openat", Map.of("dfd", -100, "filename", 0x7000)},
            {"sys_exit_openat", Map.of("ret", 4)},
            {"sys_enter_read", Map.of("fd", 3, "count", 4096)},
            {"sys_exit_read", Map.of("ret", 1024)},
            {"sys_enter_write", Map.of("fd", 1, "count", 12)},
            {"sys_enter_close", Map.of("fd", 3)},
        };
        for (Object[] sc : syscalls) {
            @SuppressWarnings("unchecked")
            Map<String, ?> fields = (Map<String, ?>) sc[1];
            s.fireAs(cat, 1, "syscalls:" + sc[0], fields);
            s.advance(Duration.ofMillis(1));
        }
        s.fireAs(SimTask.of(0, "swapper/0"), 0, "sched:sched_switch", Map.of("prev_comm", "swapper/0", "prev_prio", 120,
                "next_comm", "cat", "next_pid", 4242, "next_prio", 120));
        s.advance(Duration.ofMillis(1));
        s.fireAs(cat, 1, "ftrace:function", Map.of("ip", k.address("mutex_lock", 0), "parent_ip",
                k.address("vfs_read", 0x20)));
        s.advance(Duration.ofMillis(1));
        for (EventFormat f : k.events()) {
            String sys = f.system();
            if (sys.equals("kprobes") || sys.equals("uprobes") || sys.startsWith("sdt_")) {
                String probed = f.name().replace("__return", "");
                boolean kernelSide = sys.equals("kprobes");
                long ip = kernelSide ? k.address(probed, 0) : USER_TEXT;
                long caller = kernelSide ? k.address("do_syscall_64", 0x5c) : USER_TEXT + 0x40;
                Map<String, Object> fields = new java.util.HashMap<>();
                if (f.fieldIndex("__probe_ip") > 0) {
                    fields.put("__probe_ip", ip);
                }
                if (f.fieldIndex("__probe_func") > 0) {
                    fields.put("__probe_func", ip);
                    fields.put("__probe_ret_ip", caller);
                }
                s.fireAs(cat, 1, f.qualifiedName(), fields);
                s.advance(Duration.ofMillis(1));
            }
        }
        s.advance(Duration.ofMillis(10));
    }

    /** The script's whole output on the sim backend under the corpus workload. */
    static String run(String name, byte[] script) {
        CompileResult r = KtapCompiler.compile(name, script);
        SimKernel kernel = new SimKernel();
        kernel.userString(0x7000, "/etc/passwd");
        SimSession s = new SimBackend(kernel).withWorkload(GoldenCorpusTest::workload)
                .open(TraceProgram.of(r.programOrThrow()), TraceOptions.defaults().scriptArgs(name, List.of()));
        s.start();
        return s.text();
    }

    @TestFactory
    Stream<DynamicTest> everyValidScriptPrintsItsExpectedOutput() throws IOException {
        boolean update = Boolean.getBoolean("ktap.corpus.update");
        List<Path> scripts;
        try (Stream<Path> files = Files.list(CORPUS.resolve("valid"))) {
            scripts = files.filter(p -> p.toString().endsWith(".kp")).sorted().toList();
        }
        assertFalse(scripts.isEmpty(), "no corpus at " + CORPUS.toAbsolutePath());
        return scripts.stream().map(script -> DynamicTest.dynamicTest(script.getFileName().toString(), () -> {
            String name = script.getFileName().toString();
            String actual = run(name, Files.readAllBytes(script));
            Path out = script.resolveSibling(name.substring(0, name.length() - 3) + ".out");
            if (update) {
                Files.writeString(out, actual, StandardCharsets.UTF_8);
            }
            assertTrue(Files.exists(out), "missing expected output " + out);
            assertEquals(Files.readString(out, StandardCharsets.UTF_8), actual, name);
        }));
    }

    @Test
    void theOutputIsTheSameOnEveryRun() throws IOException {
        Path script = CORPUS.resolve("valid/libraries.kp");
        byte[] text = Files.readAllBytes(script);
        assertEquals(run("libraries.kp", text), run("libraries.kp", text));
    }
}
