package io.ktap.kernel.guest;

import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.ChunkWriter;
import io.ktap.bytecode.Codegen;
import io.ktap.bytecode.Limits;
import io.ktap.compiler.CompileResult;
import io.ktap.compiler.KtapCompiler;
import io.ktap.host.internal.CommandLauncher;
import io.ktap.kernel.KernelBackend;
import io.ktap.kernel.KernelException;
import io.ktap.kernel.KernelSession;
import io.ktap.kernel.Ktapvm;
import io.ktap.sim.SimBackend;
import io.ktap.sim.SimSession;
import io.ktap.trace.Backends;
import io.ktap.trace.TraceBackend;
import io.ktap.trace.TraceException;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import io.ktap.trace.TraceProgram;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The kernel backend end to end, run INSIDE the test guest (real ktapvm.ko, real events, no mocks)
 * by {@link KernelBackendGuestTest}: one JVM runs every check, so the guest boots once. Prints
 * {@code ok NAME} or {@code not ok NAME: reason} per check, then {@code N passed, N failed}.
 *
 * <p>Usage: {@code KernelE2E TARGET_BINARY CORPUS_DIR [CHECK...]} (all checks when none is named).
 */
public final class KernelE2E {

    private static int passed;
    private static int failed;

    private KernelE2E() {
    }

    interface Check {
        void run() throws Exception;
    }

    static Path target;
    static Path corpus;
    static Path oneByte;

    public static void main(String[] args) throws Exception {
        target = Path.of(args[0]);
        corpus = Path.of(args[1]);
        oneByte = Files.createTempFile("ktap-e2e", ".byte");
        Files.write(oneByte, new byte[] {'\n'});
        Map<String, Check> checks = new java.util.LinkedHashMap<>();
        checks.put("backend_auto_is_kernel", KernelE2E::autoIsKernel);
        checks.put("count_syscalls_of_pid", KernelE2E::countPid);
        checks.put("count_syscalls_of_command", KernelE2E::countCommand);
        checks.put("count_syscalls_of_command_option", KernelE2E::countCommandOption);
        checks.put("filter", KernelE2E::filter);
        checks.put("syscall_fast_path_system_wide", KernelE2E::systemWideSyscalls);
        checks.put("kprobe_fetch_args_user_string", KernelE2E::kprobe);
        checks.put("kretprobe_retval", KernelE2E::kretprobe);
        checks.put("uprobe_and_uretprobe", KernelE2E::uprobe);
        checks.put("tick_profile_exit_end", KernelE2E::timers);
        checks.put("argevent_like_tracefs", KernelE2E::argevent);
        checks.put("print_backtrace", KernelE2E::backtrace);
        checks.put("emit_typed_records", KernelE2E::emit);
        checks.put("zero_copy_view", KernelE2E::zeroCopyView);
        checks.put("ring_overflow_exact_lost", KernelE2E::overflow);
        checks.put("runtime_error_record_and_teardown", KernelE2E::runtimeError);
        checks.put("golden_corpus_same_as_java_vm", KernelE2E::corpus);
        checks.put("mutated_chunks_rejected_or_safe", KernelE2E::mutants);
        checks.put("close_idempotent_nothing_left", KernelE2E::closeLeavesNothing);
        checks.put("dying_reader_concurrent_sessions_rmmod", KernelE2E::lifecycle);
        checks.put("perf_software_events", CounterE2E::softwareEvents);
        checks.put("perf_breakpoints", CounterE2E::breakpoints);
        checks.put("perf_hardware_events_without_pmu", CounterE2E::hardwareEvents);
        List<String> only = List.of(args).subList(2, args.length);
        for (Map.Entry<String, Check> c : checks.entrySet()) {
            if (only.isEmpty() || only.contains(c.getKey())) {
                check(c.getKey(), c.getValue());
            }
        }
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    private static void check(String name, Check c) {
        long t0 = System.nanoTime();
        try {
            c.run();
            passed++;
            System.out.println("ok " + name + " (" + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        } catch (Throwable t) {
            failed++;
            java.io.StringWriter sw = new java.io.StringWriter();
            t.printStackTrace(new java.io.PrintWriter(sw));
            System.out.println("not ok " + name + ": " + String.valueOf(t).replace('\n', ' '));
            System.err.println(sw);
        }
        System.out.flush();
    }

    static void require(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    static TraceProgram program(String name, String source) {
        CompileResult r = KtapCompiler.compile(name, source);
        if (!r.isSuccess()) {
            throw new AssertionError("does not compile: " + r.format());
        }
        return TraceProgram.of(r.programOrThrow());
    }

    static KernelBackend kernel() {
        return new KernelBackend();
    }

    /** What a traced run produced. */
    record Run(List<TraceOutput> outputs, Ktapvm.Stats stats, boolean endedByItself) {
        String text() {
            return outputs.stream().filter(o -> !(o instanceof TraceOutput.Lost)).map(TraceOutput::text)
                    .collect(Collectors.joining());
        }

        List<TraceOutput.RuntimeError> errors() {
            return outputs.stream().filter(o -> o instanceof TraceOutput.RuntimeError)
                    .map(o -> (TraceOutput.RuntimeError) o).toList();
        }
    }

    /** Starts the target held on stdin, traces it with {@code script}, lets it run, ends the session. */
    static Run traceTarget(String script, KernelBackend backend, Consumer<KernelSession> setup, String... targetArgs)
            throws Exception {
        return traceTarget(script, backend, setup, () -> { }, targetArgs);
    }

    static Run traceTarget(String script, KernelBackend backend, Consumer<KernelSession> setup, Runnable finished,
            String... targetArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(target.toString());
        cmd.addAll(List.of(targetArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            return traceWhile(script, backend, TraceOptions.defaults().pid((int) p.pid()), setup, () -> {
                OutputStream in = p.getOutputStream();
                in.write('\n');
                in.close();
                require(p.waitFor(300, TimeUnit.SECONDS), "the target did not finish");
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                require(p.exitValue() == 0, "the target failed: " + p.exitValue() + " " + out);
                finished.run();
            });
        } finally {
            p.destroyForcibly();
        }
    }

    interface Workload {
        void run() throws Exception;
    }

    static Run traceWhile(String script, KernelBackend backend, TraceOptions options, Consumer<KernelSession> setup,
            Workload workload) throws Exception {
        List<TraceOutput> outputs = Collections.synchronizedList(new ArrayList<>());
        KernelSession s = backend.open(program("e2e.kp", script), options);
        Ktapvm.Stats stats;
        boolean self;
        try {
            s.onEvent(outputs::add);
            if (setup != null) {
                setup.accept(s);
            }
            s.startAsync();
            workload.run();
            self = s.isTerminated();
            stats = s.stats();
        } finally {
            s.close();
        }
        require(s.isTerminated(), "terminated after close");
        return new Run(List.copyOf(outputs), stats, self);
    }

    // ---- checks -----------------------------------------------------------------------------------

    static void autoIsKernel() {
        TraceBackend b = Backends.auto();
        require(b.name().equals("kernel"), "auto picked " + b.name() + ": " + b.unavailabilityCause());
        require(Backends.kernel().isAvailable(), "kernel backend unavailable: " + Backends.kernel().unavailabilityCause());
    }

    static void countPid() throws Exception {
        Run r = traceTarget("var n = 0\ntrace syscalls:sys_enter_getppid { n += 1 }\ntrace_end { print(n) }\n",
                kernel(), null, "getppid", "5000");
        require(r.text().equals("5000\n"), "expected 5000, got " + r.text());
    }

    static void countCommand() throws Exception {
        CommandLauncher cmd = CommandLauncher.start(new ProcessBuilder(target.toString(), "getppid", "3000")
                .redirectInput(oneByte.toFile()));
        try {
            int pid = (int) cmd.process().pid();
            List<TraceOutput> outputs = Collections.synchronizedList(new ArrayList<>());
            try (KernelSession s = kernel().open(program("cmd.kp", "var s = {}\n"
                    + "trace syscalls:sys_enter_* { s[argname] += 1 }\n"
                    + "trace_end { print(s[\"sys_enter_getppid\"], s[\"sys_enter_execve\"]) }\n"),
                    TraceOptions.defaults().pid(pid), true)) {
                s.onEvent(outputs::add);
                s.startAsync();
                cmd.release();
                require(cmd.process().waitFor(300, TimeUnit.SECONDS), "command did not finish");
            }
            String text = outputs.stream().map(TraceOutput::text).collect(Collectors.joining());
            // Enabled at the exec: the shell's own execve is not seen, nor anything before it.
            require(text.equals("3000\tnil\n"), "expected 3000 getppid and no execve, got " + text);
        } finally {
            cmd.close();
        }
    }

    /**
     * {@code ktap -- CMD}: TraceOptions.command hands the command to the backend, which holds it,
     * enables the events at its exec and ends the session when it exits. The command is a shell
     * that feeds the target its start byte and execs it; the shell's own start-up (dash asks for
     * its parent's pid once) is traced too, so the counts are keyed by process name.
     */
    static void countCommandOption() throws Exception {
        List<TraceOutput> outputs = Collections.synchronizedList(new ArrayList<>());
        TraceOptions options = TraceOptions.defaults().command(List.of("/bin/sh", "-c",
                "exec \"$0\" getppid 3000 < \"$1\"", target.toString(), oneByte.toString()));
        String comm = target.getFileName().toString();
        try (KernelSession s = kernel().open(program("cmd.kp", "var n = {}\nvar x = {}\n"
                + "trace syscalls:sys_enter_getppid { n[execname] += 1 }\n"
                + "trace syscalls:sys_enter_execve { x[execname] += 1 }\n"
                + "trace_end { print(n[\"" + comm + "\"], x[\"sh\"]) }\n"), options)) {
            s.onEvent(outputs::add);
            s.start();
            require(s.isTerminated(), "the session ends when the command exits");
        }
        String text = outputs.stream().map(TraceOutput::text).collect(Collectors.joining());
        require(text.equals("3000\t1\n"), "expected the target's 3000 getppid and the shell's one execve, got " + text);
    }

    static void filter() throws Exception {
        Run r = traceTarget("var a = 0\nvar b = 0\n"
                + "trace syscalls:sys_enter_write /fd == 6/ { a += 1 }\n"
                + "trace syscalls:sys_enter_write /fd == 5 || count > 100/ { b += 1 }\n"
                + "trace_end { print(a, b) }\n", kernel(), null, "write", "70", "130");
        require(r.text().equals("130\t70\n"), "expected 130 and 70, got " + r.text());
        require(r.stats().filtered() == 200, "filtered " + r.stats().filtered());
    }

    /**
     * System-wide sys_enter_* events take the module's raw_syscalls fast path (no perf counter):
     * same counts, fields, filters and argevent as the perf path.
     */
    static void systemWideSyscalls() throws Exception {
        Process p = new ProcessBuilder(target.toString(), "write", "70", "130").start();
        try {
            Run r = traceWhile("var n = 0\nvar line = nil\n"
                    + "trace syscalls:sys_enter_write /fd == 6 && count == 1/ {\n"
                    + "  if (pid() == " + p.pid() + ") { n += 1; if (line == nil) { line = argevent } }\n}\n"
                    + "trace_end { print(n); print(line) }\n", kernel(), TraceOptions.defaults(), null, () -> {
                        p.getOutputStream().write('\n');
                        p.getOutputStream().close();
                        require(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "the target failed");
                    });
            require(r.stats().perfCounters() == 0, "perf counters: " + r.stats().perfCounters());
            require(r.text().matches("130\n\\s*ktap_target-" + p.pid() + "\\s+\\[\\d{3}\\] \\S{5}\\s+\\d+\\.\\d{6}: "
                    + "sys_write\\(fd: 6, buf: [0-9a-f]+, count: 1\\)\n"), "got " + r.text());
        } finally {
            p.destroyForcibly();
        }
    }

    static void kprobe() throws Exception {
        Path file = Files.createTempFile("ktap-kprobe", ".txt");
        Run r = traceTarget("var n = 0\n"
                + "trace probe:do_sys_openat2 dfd=%di:s32 name=%si:u64 {\n"
                + "  if (user_string(arg3) == \"" + file + "\") { n += 1 }\n"
                + "}\ntrace_end { print(n) }\n", kernel(), null, "open", file.toString(), "25");
        require(r.text().equals("25\n"), "expected 25 opens of " + file + ", got " + r.text());
    }

    static void kretprobe() throws Exception {
        Run r = traceTarget("var t = {}\n"
                + "trace probe:do_sys_openat2%return ret=$retval:s64 { t[arg3] += 1 }\n"
                + "trace_end { print(t[-2]) }\n", kernel(), null, "open", "/nonexistent/ktap", "17");
        require(r.text().equals("17\n"), "expected 17 returns of -ENOENT, got " + r.text());
    }

    static void uprobe() throws Exception {
        String fn = target + ":ktap_target_add";
        Run r = traceTarget("var n = 0\nvar sa = 0\nvar sb = 0\nvar sr = 0\n"
                + "trace probe:" + fn + " a=%di:s64 b=%si:s64 { n += 1; sa += arg2; sb += arg3 }\n"
                + "trace probe:" + fn + "%return { sr += arg3 }\n"
                + "trace_end { print(n, sa, sb, sr) }\n", kernel(), null, "add", "200");
        // sum of i = 19900, of 2i = 39800, of 3i = 59700
        require(r.text().equals("200\t19900\t39800\t59700\n"), "got " + r.text());
    }

    static void timers() throws Exception {
        List<TraceOutput> outputs = Collections.synchronizedList(new ArrayList<>());
        try (KernelSession s = kernel().open(program("timers.kp", "var t = 0\nvar p = {}\n"
                + "tick-20ms { t += 1; if (t == 10) { exit(7) } }\n"
                + "profile-1ms { p[cpu()] += 1 }\n"
                + "trace_end { printf(\"ticks %d\\n\", t); for (k, v in pairs(p)) { if (v > 0) { printf(\"cpu%d\\n\", k) } } }\n"),
                TraceOptions.defaults())) {
            s.onEvent(outputs::add);
            s.startAsync();
            require(s.awaitTermination(Duration.ofSeconds(120)), "exit() from the tick did not end the session");
            require(s.exitStatus() == 7, "exit status " + s.exitStatus());
            require(s.stats().endedBy() == 1, "ended by " + s.stats().endedBy());
        }
        String text = outputs.stream().map(TraceOutput::text).collect(Collectors.joining());
        int cpus = Runtime.getRuntime().availableProcessors();
        StringBuilder want = new StringBuilder("ticks 10\n");
        List<String> lines = text.lines().skip(1).sorted().toList();
        require(text.startsWith(want.toString()), "expected 10 ticks first, got " + text);
        require(lines.size() == cpus, "profile fired on " + lines + ", expected " + cpus + " cpus");
    }

    static void argevent() throws Exception {
        Run r = traceTarget("var n = 0\ntrace syscalls:sys_enter_openat { if (n == 0) { print(argevent) } n += 1 }\n",
                kernel(), null, "open", "/nonexistent/argevent", "1");
        String t = r.text();
        require(t.matches("\\s*ktap_target-\\d+\\s+\\[\\d{3}\\] \\S{5}\\s+\\d+\\.\\d{6}: sys_openat\\(dfd: "
                + "ffffff9c, filename: [0-9a-f]+, flags: 0, mode: 0\\)\n"), "syscall argevent: " + t);
        // System-wide (per-CPU counters), a TRACE_EVENT's own output function, a char[] filter.
        Process p = new ProcessBuilder(target.toString(), "getppid", "1").start();
        Run w = traceWhile("trace sched:sched_process_exit /comm == \"ktap_target\"/ { print(argevent) }\n", kernel(),
                TraceOptions.defaults(), null, () -> {
                    p.getOutputStream().write('\n');
                    p.getOutputStream().close();
                    require(p.waitFor(60, TimeUnit.SECONDS), "the target did not exit");
                });
        require(w.text().matches("\\s*ktap_target-" + p.pid() + "\\s+\\[\\d{3}\\] \\S{5}\\s+\\d+\\.\\d{6}: "
                + "sched_process_exit: comm=ktap_target pid=" + p.pid() + " prio=120\n"), "tracepoint argevent: " + w.text());
    }

    static void backtrace() throws Exception {
        Run r = traceTarget("trace syscalls:sys_enter_getppid { print_backtrace(); exit() }\n", kernel(), null,
                "getppid", "10");
        require(r.text().contains("do_syscall_64"), "no do_syscall_64 in the backtrace: " + r.text());
    }

    /** A typed record: the user's record class, filled through its canonical constructor. */
    public record GetppidEvent(long pid, String name, boolean flag) {
    }

    /**
     * The language has no emit statement yet (the bytecode and both VMs do): the handler of this
     * script gets an EMIT of its three locals (registers 0..2) before its final RET, and the chunk
     * a schema named like the record class.
     */
    static Chunk emitChunk() {
        CompileResult r = KtapCompiler.compile("emit.kp", "trace syscalls:sys_enter_getppid {\n"
                + "  var p = pid()\n  var n = \"getppid\"\n  var f = true\n}\n");
        Chunk c = Codegen.compile(r.programOrThrow(), Limits.DEFAULT).orThrow();
        int h = c.probes().get(0).handler();
        io.ktap.bytecode.Proto p = c.protos().get(h);
        int[] code = p.code();
        int[] lines = p.lines();
        int n = code.length;
        require(io.ktap.bytecode.Ins.op(code[n - 1]) == io.ktap.bytecode.Opcode.RET.code(), "handler ends with RET");
        int[] code2 = java.util.Arrays.copyOf(code, n + 1);
        int[] lines2 = java.util.Arrays.copyOf(lines, n + 1);
        code2[n] = code[n - 1];
        lines2[n] = lines[n - 1];
        code2[n - 1] = io.ktap.bytecode.Ins.abc(io.ktap.bytecode.Opcode.EMIT, 0, 3, 0);
        lines2[n - 1] = 4;
        List<io.ktap.bytecode.Proto> protos = new ArrayList<>(c.protos());
        protos.set(h, new io.ktap.bytecode.Proto(p.name(), p.line(), p.parent(), p.numParams(), p.variadic(),
                p.frameSize(), p.upvalues(), p.constants(), code2, lines2));
        io.ktap.bytecode.RecordSchema schema = new io.ktap.bytecode.RecordSchema("GetppidEvent", List.of(
                new io.ktap.bytecode.RecordSchema.Field("pid", io.ktap.bytecode.RecordSchema.FieldType.NUMBER),
                new io.ktap.bytecode.RecordSchema.Field("name", io.ktap.bytecode.RecordSchema.FieldType.STRING),
                new io.ktap.bytecode.RecordSchema.Field("flag", io.ktap.bytecode.RecordSchema.FieldType.BOOLEAN)));
        return new Chunk(c.source(), c.limits(), c.globals(), protos, c.endProtos(), c.probes(), List.of(schema));
    }

    static void emit() throws Exception {
        List<GetppidEvent> events = Collections.synchronizedList(new ArrayList<>());
        Process p = new ProcessBuilder(target.toString(), "getppid", "40").start();
        try (KernelSession s = kernel().open(TraceProgram.ofChunk(ChunkWriter.write(emitChunk())),
                TraceOptions.defaults().pid((int) p.pid()))) {
            s.onRecord(GetppidEvent.class, events::add);
            s.startAsync();
            p.getOutputStream().write('\n');
            p.getOutputStream().close();
            require(p.waitFor(120, TimeUnit.SECONDS), "target did not finish");
        }
        require(events.size() == 40, "expected 40 records, got " + events.size());
        require(events.stream().allMatch(e -> e.equals(new GetppidEvent(p.pid(), "getppid", true))),
                "records: " + events.subList(0, Math.min(3, events.size())));
    }

    static void zeroCopyView() throws Exception {
        long[] views = new long[1];
        byte[] buf = new byte[8];
        Run r = traceTarget("trace syscalls:sys_enter_getppid { print(\"g\") }\n", kernel(),
                s -> s.onView(v -> {
                    if (v.type() == io.ktap.kernel.RecordView.PRINT && v.payloadLength() == 2) {
                        v.copyPayload(0, buf, 0, 2);
                        if (buf[0] == 'g' && buf[1] == '\n') {
                            views[0]++;
                        }
                    }
                }), "getppid", "500");
        require(views[0] == 500, "views: " + views[0]);
        require(r.outputs().stream().noneMatch(o -> o instanceof TraceOutput.Print), "prints were decoded too");
    }

    static void overflow() throws Exception {
        int n = 20_000;
        CountDownLatch done = new CountDownLatch(1);
        long[] prints = new long[1];
        long[] lost = new long[1];
        String pad = "x".repeat(200);
        Run r = traceTarget("trace syscalls:sys_enter_getppid { print(\"" + pad + "\") }\n", new KernelBackend(4096),
                s -> s.onEvent(o -> {
                    if (o instanceof TraceOutput.Print) {
                        if (prints[0]++ == 0) {
                            try {
                                // Hold the delivery thread so that the ring must fill up.
                                done.await(300, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    } else if (o instanceof TraceOutput.Lost l) {
                        lost[0] += l.count();
                    }
                }), done::countDown, "getppid", Integer.toString(n));
        require(lost[0] > 0, "nothing was lost with a 4 KiB ring");
        require(prints[0] + lost[0] == n, "received " + prints[0] + " + lost " + lost[0] + " != " + n);
        require(r.stats().lost() == lost[0], "module lost " + r.stats().lost() + ", reported " + lost[0]);
    }

    static void runtimeError() throws Exception {
        Run r = traceTarget("var z = 0\nvar n = 0\ntrace syscalls:sys_enter_getppid {\n  n += 1\n  print(10 / z)\n}\n"
                + "trace_end { print(\"end\", n) }\n", kernel(), null, "getppid", "50");
        require(r.errors().size() == 1, "errors: " + r.errors());
        TraceOutput.RuntimeError e = r.errors().get(0);
        require(e.line() == 5 && e.message().contains("zero") && e.file().equals("e2e.kp"), "error " + e);
        require(r.text().endsWith("end\t1\n"), "end block after the error: " + r.text());
        require(r.stats().endedBy() == 2, "ended by " + r.stats().endedBy());
        require(r.stats().perfCounters() == 0, "counters left: " + r.stats().perfCounters());
    }

    /**
     * Every corpus script without timers, traced on a sleeping process (so no event fires): the
     * module prints exactly what the Java VM prints for the main and end blocks. Scripts whose
     * probes this kernel cannot resolve are listed as skipped with the reason.
     */
    static void corpus() throws Exception {
        List<String> compared = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> differ = new ArrayList<>();
        List<Path> scripts;
        try (Stream<Path> s = Files.list(corpus.resolve("valid"))) {
            scripts = s.filter(p -> p.toString().endsWith(".kp")).sorted().toList();
        }
        Process sleeper = new ProcessBuilder("sleep", "3600").start();
        try {
            for (Path p : scripts) {
                String name = p.getFileName().toString();
                CompileResult cr = KtapCompiler.compile(name, Files.readAllBytes(p));
                Chunk chunk = Codegen.compile(cr.programOrThrow(), Limits.DEFAULT).orThrow();
                if (chunk.probes().stream().anyMatch(e -> e.kind().isTimer())) {
                    skipped.add(name + " (timers fire)");
                    continue;
                }
                SimSession sim = new SimBackend().open(TraceProgram.of(cr.programOrThrow()));
                sim.start();
                String expected = sim.text();
                List<TraceOutput> outputs = Collections.synchronizedList(new ArrayList<>());
                try (KernelSession k = kernel().open(TraceProgram.of(cr.programOrThrow()),
                        TraceOptions.defaults().pid((int) sleeper.pid()))) {
                    k.onEvent(outputs::add);
                    k.startAsync();
                    k.close();
                } catch (TraceException e) {
                    skipped.add(name + " (" + e.getMessage().lines().findFirst().orElse("") + ")");
                    continue;
                }
                String actual = outputs.stream().filter(o -> !(o instanceof TraceOutput.Lost)).map(TraceOutput::text)
                        .collect(Collectors.joining());
                compared.add(name);
                if (!sameBesidesEnvironment(name, expected, actual)) {
                    differ.add(name + ":\n--- java vm\n" + expected + "--- kernel\n" + actual);
                }
            }
        } finally {
            sleeper.destroyForcibly();
        }
        System.out.println("# corpus compared: " + compared);
        System.out.println("# corpus skipped: " + skipped);
        require(compared.size() >= 10, "compared only " + compared);
        require(differ.isEmpty(), "differ: " + String.join("\n", differ));
    }

    /**
     * Lines of corpus scripts that print facts of the environment (the kernel release, the clocks,
     * pid/tid/execname): the simulated kernel has fixed fake values. Those lines must still have the
     * same number of tab-separated values; every other line must be identical.
     */
    private static final Map<String, java.util.Set<Integer>> ENVIRONMENT_LINES = Map.of(
            "libraries.kp", java.util.Set.of(0, 1, 3),
            "tutorial-builtins.kp", java.util.Set.of(7, 8));

    static boolean sameBesidesEnvironment(String name, String expected, String actual) {
        if (expected.equals(actual)) {
            return true;
        }
        java.util.Set<Integer> env = ENVIRONMENT_LINES.getOrDefault(name, java.util.Set.of());
        List<String> e = expected.lines().toList();
        List<String> a = actual.lines().toList();
        if (e.size() != a.size() || expected.endsWith("\n") != actual.endsWith("\n")) {
            return false;
        }
        for (int i = 0; i < e.size(); i++) {
            boolean same = env.contains(i) ? e.get(i).split("\t", -1).length == a.get(i).split("\t", -1).length
                    : e.get(i).equals(a.get(i));
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** 1,000 mutants of corpus chunks offered to the module: refused with a reason, or run and stopped. */
    static void mutants() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        try (Stream<Path> s = Files.list(corpus.resolve("valid"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".kp")).sorted().toList()) {
                CompileResult cr = KtapCompiler.compile(p.getFileName().toString(), Files.readAllBytes(p));
                Chunk c = Codegen.compile(cr.programOrThrow(), Limits.DEFAULT.withMainBudget(200_000)).orThrow();
                if (c.probes().stream().allMatch(e -> e.kind().isTimer())) {
                    seeds.add(ChunkWriter.write(c));
                }
            }
        }
        Random rnd = new Random(20240601);
        int refused = 0;
        int ran = 0;
        for (int i = 0; i < 1000; i++) {
            byte[] m = seeds.get(rnd.nextInt(seeds.size())).clone();
            int kind = rnd.nextInt(4);
            if (kind == 0) {
                m = java.util.Arrays.copyOf(m, rnd.nextInt(m.length));
            } else {
                int flips = 1 + rnd.nextInt(kind == 3 ? 16 : 3);
                for (int f = 0; f < flips && m.length > 0; f++) {
                    int at = rnd.nextInt(m.length);
                    m[at] = kind == 1 ? (byte) (m[at] ^ (1 << rnd.nextInt(8))) : (byte) rnd.nextInt(256);
                }
            }
            if (rnd.nextInt(4) != 0 && m.length >= 28) {
                // Most mutants get a valid length and CRC, so they reach the parser and the verifier.
                java.nio.ByteBuffer.wrap(m).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(20, m.length);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(m, 0, m.length - 4);
                java.nio.ByteBuffer.wrap(m).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(m.length - 4,
                        (int) crc.getValue());
            }
            try (Ktapvm vm = Ktapvm.open()) {
                try {
                    vm.load(m, new byte[0], Ktapvm.LoadOptions.defaults());
                } catch (KernelException e) {
                    require(e.errno() == 22 && e.getMessage().length() > "ktapvm refused the program: ".length(),
                            "refusal without a reason: " + e.getMessage());
                    refused++;
                    continue;
                }
                vm.start();
                vm.stop();
                vm.rings().drain(v -> { }, Integer.MAX_VALUE);
                ran++;
            }
        }
        System.out.println("# mutants: " + refused + " refused, " + ran + " loaded and ran");
        require(refused + ran == 1000 && refused > 0, "refused " + refused + ", ran " + ran);
    }

    static int moduleRefs() throws Exception {
        return Integer.parseInt(Files.readString(Path.of("/sys/module/ktapvm/refcnt")).strip());
    }

    /** Run in a child JVM by {@link #lifecycle}: a running session whose reader is then killed. */
    public static final class Dier {
        public static void main(String[] args) throws Exception {
            KernelSession s = new KernelBackend().open(program("dier.kp", "var n = 0\n"
                    + "trace syscalls:sys_enter_* { n += 1 }\nprofile-1ms { print(\"p\", n) }\ntick-5ms { print(n) }\n"
                    + "trace probe:" + args[0] + ":ktap_target_add { n += 1 }\n"
                    + "trace_end { print(\"end\", n) }\n"), TraceOptions.defaults());
            s.startAsync();
            System.out.println("started");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /**
     * Two sessions at once while a third one's reader (another process) is killed with SIGKILL
     * mid-trace; rmmod is refused while any is open; afterwards the module holds no reference.
     */
    static void lifecycle() throws Exception {
        int base = moduleRefs();
        List<TraceOutput> a = Collections.synchronizedList(new ArrayList<>());
        List<TraceOutput> b = Collections.synchronizedList(new ArrayList<>());
        Process dier = new ProcessBuilder(GuestHarness.javaLauncher(), "-cp", System.getProperty("java.class.path"),
                Dier.class.getName(), target.toString()).redirectErrorStream(true).start();
        try (KernelSession s1 = kernel().open(program("a.kp", "var n = 0\ntrace syscalls:sys_enter_getppid { n += 1 }\n"
                + "trace_end { print(\"a\", n) }\n"), TraceOptions.defaults());
             KernelSession s2 = kernel().open(program("b.kp", "var n = 0\ntrace syscalls:sys_enter_getppid { n += 1 }\n"
                + "tick-10ms { print(\"t\") }\ntrace_end { print(\"b\", n) }\n"), TraceOptions.defaults())) {
            s1.onEvent(a::add);
            s2.onEvent(b::add);
            s1.startAsync();
            s2.startAsync();
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(dier.getInputStream()));
            String line = out.readLine();
            require("started".equals(line), "the dying reader did not start: " + line);
            require(moduleRefs() == base + 3, "refs with three sessions: " + moduleRefs());
            // delete_module(2) as rmmod calls it: refused while sessions are open.
            com.sun.jna.Function syscall = com.sun.jna.Function.getFunction("c", "syscall");
            int rc = syscall.invokeInt(new Object[] {176L, "ktapvm", 0x800});
            int errno = com.sun.jna.Native.getLastError();
            require(rc != 0 && errno == 11 && Files.exists(Path.of("/sys/module/ktapvm")),
                    "delete_module while open: rc " + rc + " errno " + errno);
            dier.destroyForcibly();
            require(dier.waitFor(60, TimeUnit.SECONDS), "the reader did not die");
            // Its uprobe event stays in tracefs until the next session of any process cleans up.
            String group = "ktap_" + dier.pid() + "_";
            require(Files.readString(Path.of("/sys/kernel/tracing/dynamic_events")).contains(group),
                    "the killed reader's uprobe is not in tracefs");
            kernel().open(program("clean.kp", "tick-1s { }\n"), TraceOptions.defaults()).close();
            require(!Files.readString(Path.of("/sys/kernel/tracing/dynamic_events")).contains(group),
                    "the stale uprobe group was not removed");
            Process p = new ProcessBuilder(target.toString(), "getppid", "300").start();
            p.getOutputStream().write('\n');
            p.getOutputStream().close();
            require(p.waitFor(60, TimeUnit.SECONDS), "target");
        }
        String ta = a.stream().map(TraceOutput::text).collect(Collectors.joining());
        String tb = b.stream().map(TraceOutput::text).filter(t -> !t.equals("t\n")).collect(Collectors.joining());
        require(ta.startsWith("a\t") && tb.startsWith("b\t"), "end blocks: " + ta + " / " + tb);
        long na = Long.parseLong(ta.strip().split("\t")[1]);
        long nb = Long.parseLong(tb.strip().split("\t")[1]);
        require(na >= 300 && na == nb, "both sessions saw every getppid: " + na + " " + nb);
        for (int i = 0; i < 100 && moduleRefs() != base; i++) {
            Thread.sleep(100);
        }
        require(moduleRefs() == base, "references left: " + moduleRefs() + " (base " + base + ")");
    }

    /** After close, no probe event of ours is left in tracefs and the module has no session. */
    static void closeLeavesNothing() throws Exception {
        KernelSession s = kernel().open(program("c.kp", "trace probe:do_sys_openat2 { }\ntrace probe:"
                + target + ":ktap_target_add%return { }\n"), TraceOptions.defaults());
        String events = Files.readString(Path.of("/sys/kernel/tracing/dynamic_events"));
        require(events.lines().count() == 2, "expected two probe events: " + events);
        s.startAsync();
        s.close();
        s.close();
        events = Files.readString(Path.of("/sys/kernel/tracing/dynamic_events"));
        require(events.isBlank(), "left behind: " + events);
        try {
            kernel().open(program("bad.kp", "trace nosuchsystem:nosuchevent { }\n"), TraceOptions.defaults());
            throw new AssertionError("a missing tracepoint was accepted");
        } catch (TraceException e) {
            require(e.getMessage().contains("no tracepoint matches"), e.getMessage());
        }
    }
}
