package io.ktap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ktap.ast.Block;
import io.ktap.ast.Diagnostic;
import io.ktap.ast.Probe;
import io.ktap.ast.Program;
import io.ktap.ast.Span;
import io.ktap.ast.Stmt;
import io.ktap.trace.Limits;
import io.ktap.trace.TraceBackend;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's behaviour and exit statuses, with the compiler and the backend as test doubles. */
class KtapCliTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<String> compiled = new ArrayList<>();

    /** A program with one tracepoint block and an end block. */
    private static final Program TRACING = new Program(Span.NONE, Block.of(
            new Stmt.Trace(Span.NONE, List.of(new Probe.Tracepoint(Span.NONE, "syscalls", "sys_enter_*")), null, Block.of()),
            new Stmt.Trace(Span.NONE, List.of(new Probe.Timer(Span.NONE, Probe.Timer.Kind.TICK, Duration.ofSeconds(1))),
                    null, Block.of()),
            new Stmt.TraceEnd(Span.NONE, Block.of())));

    /** Compiles every script to {@link #TRACING}, except a script containing "bad". */
    private final Frontend frontend = (name, source) -> {
        String text = new String(source, StandardCharsets.UTF_8);
        compiled.add(name + ":" + text);
        if (text.contains("bad")) {
            return new Frontend.Result(Optional.empty(), List.of(
                    Diagnostic.error(Span.at(name, 1, 5), "K0001", "unexpected 'bad'"),
                    Diagnostic.error(Span.at(name, 2, 1), "K0002", "undeclared name 'x'")));
        }
        return new Frontend.Result(Optional.of(TRACING), List.of());
    };

    private static final TraceOutput.Print HELLO = new TraceOutput.Print(0, 1_500_000_000L, "hello\n");
    private static final TraceOutput.Histogram HIST = new TraceOutput.Histogram(1, 2_000_001_000L,
            List.of(new TraceOutput.Histogram.Row("read", 3, 28), new TraceOutput.Histogram.Row("write", 1, 9)), 0);
    private static final TraceOutput.RuntimeError DIV0 =
            new TraceOutput.RuntimeError(0, 3_000_000_000L, "divide by zero", "s.kp", 7);

    private RecordingBackend sim = new RecordingBackend("sim", List.of(HELLO), List.of(HIST));
    private TraceBackend kernel = RecordingBackend.unavailable("kernel", "the ktapvm module is not loaded");
    private TraceBackend host = RecordingBackend.unavailable("host", "no perf access");

    private KtapCli cli(Optional<Frontend> fe, Path tracefs) {
        return new KtapCli(fe, name -> switch (name) {
            case "sim" -> sim;
            case "kernel" -> kernel;
            case "host" -> host;
            case "auto" -> kernel.isAvailable() ? kernel : host.isAvailable() ? host
                    : RecordingBackend.unavailable("auto", "no backend can trace this host: kernel: "
                            + kernel.unavailabilityCause().orElseThrow() + "; host: " + host.unavailabilityCause().orElseThrow());
            default -> throw new AssertionError(name);
        }, new TracefsEvents(List.of(tracefs)), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int run(String... args) {
        return cli(Optional.of(frontend), dir.resolve("tracefs")).run(List.of(args));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path script(String text) throws IOException {
        Path p = dir.resolve("s.kp");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void helpGoesToStandardOutputAndExitsZero() {
        assertEquals(ExitStatus.OK, run("-h"));
        assertTrue(out().startsWith("Usage: ktap [options] script.kp"), out());
        assertEquals("", err());
    }

    @Test
    void versionNamesTheProjectVersion() {
        assertEquals(ExitStatus.OK, run("-V"));
        assertTrue(out().matches("ktap \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(ktap for Java; Java \\d+\\)\n"), out());
    }

    @Test
    void aUsageErrorExitsTwoWithTheReasonOnStandardError() {
        assertEquals(ExitStatus.USAGE, run("-p", "x", "s.kp"));
        assertEquals("ktap: option -p: 'x' is not a process id\nTry 'ktap -h' for help.\n", err());
        assertEquals("", out());
    }

    @Test
    void aMissingScriptIsAUsageError() {
        assertEquals(ExitStatus.USAGE, run(dir.resolve("none.kp").toString()));
        assertEquals("ktap: cannot read " + dir.resolve("none.kp") + ": no such file\n", err());
    }

    @Test
    void compileErrorsAreAllPrintedAndExitTwo() throws IOException {
        Path s = script("bad\nx\n");
        assertEquals(ExitStatus.USAGE, run("--backend", "sim", s.toString()));
        assertEquals(s + ":1:5: error: unexpected 'bad'\n" + s + ":2:1: error: undeclared name 'x'\n2 errors\n", err());
        assertEquals("", out());
        assertTrue(sim.opened.isEmpty(), "nothing runs after a compile error");
    }

    @Test
    void anInlineProgramIsCompiledUnderTheNameDashE() {
        assertEquals(ExitStatus.OK, run("--backend", "sim", "-e", "print(1)"));
        assertEquals(List.of("-e:print(1)"), compiled);
    }

    @Test
    void simRunsTheMainChunkThenTheEndBlockAndPassesTheScriptArguments() throws IOException {
        Path s = script("ok");
        assertEquals(ExitStatus.OK, run("--backend", "sim", "-q", s.toString(), "10", "read"));
        assertEquals("hello\n" + HIST.text(), out());
        assertEquals("", err());
        assertEquals(1, sim.closed);
        TraceOptions o = sim.opened.get(0);
        assertEquals(s.toString(), o.scriptName());
        assertEquals(List.of("10", "read"), o.scriptArgs());
        assertEquals(Limits.defaults(), o.limits());
    }

    @Test
    void aRuntimeErrorExitsOneWithTheErrorOnStandardError() throws IOException {
        sim = new RecordingBackend("sim", List.of(HELLO, DIV0), List.of());
        assertEquals(ExitStatus.RUNTIME_ERROR, run("--backend", "sim", script("ok").toString()));
        assertEquals("hello\n", out());
        assertEquals("error: s.kp:7: divide by zero\n", err());
    }

    @Test
    void limitsPidAndCpuReachTheBackend() throws IOException {
        long self = ProcessHandle.current().pid();
        assertEquals(ExitStatus.OK, run("--backend", "sim", "--max-instructions", "0", "--max-call-depth", "9",
                "--max-string-bytes", "511", "--max-table-entries", "64", "-p", String.valueOf(self), "-C", "1",
                script("ok").toString()));
        TraceOptions o = sim.opened.get(0);
        assertEquals(Limits.defaults().instructions(0).callDepth(9).stringBytes(511).tableEntries(64), o.limits());
        assertEquals(OptionalInt.of((int) self), o.pid());
        assertEquals(OptionalInt.of(1), o.cpu());
    }

    @Test
    void aPidThatIsNoProcessIsAUsageError() throws IOException {
        assertEquals(ExitStatus.USAGE, run("--backend", "sim", "-p", "2147483646", script("ok").toString()));
        assertEquals("ktap: -p 2147483646: no such process\n", err());
    }

    @Test
    void dryRunCompilesReportsAndRunsNothing() throws IOException {
        Path s = script("ok");
        assertEquals(ExitStatus.OK, run("-d", s.toString()));
        assertTrue(out().matches(java.util.regex.Pattern.quote(s + ": ok: 1 trace block, 1 timer, a trace_end block; chunk of ")
                + "\\d+ bytes, verified\n"), out());
        assertTrue(sim.opened.isEmpty());
    }

    @Test
    void dumpBytecodePrintsTheListingAndRunsNothing() throws IOException {
        Path s = script("ok");
        assertEquals(ExitStatus.OK, run("-b", s.toString()));
        assertTrue(out().startsWith("chunk "), out());
        assertTrue(out().contains("probes"), out());
        assertTrue(sim.opened.isEmpty());
    }

    @Test
    void outputGoesToTheFileOfDashO() throws IOException {
        Path file = dir.resolve("out.txt");
        assertEquals(ExitStatus.OK, run("--backend", "sim", "-o", file.toString(), script("ok").toString()));
        assertEquals("hello\n" + HIST.text(), Files.readString(file));
        assertEquals("", out());
    }

    @Test
    void anUnwritableOutputFileExitsOne() throws IOException {
        Path file = dir.resolve("no/such/dir/out.txt");
        assertEquals(ExitStatus.RUNTIME_ERROR, run("--backend", "sim", "-o", file.toString(), script("ok").toString()));
        assertTrue(err().startsWith("ktap: cannot write " + file + ": "), err());
        assertTrue(sim.opened.isEmpty());
    }

    @Test
    void timestampsPrefixEachRecord() throws IOException {
        assertEquals(ExitStatus.OK, run("--backend", "sim", "-T", script("ok").toString()));
        assertTrue(out().startsWith("1.500000 hello\n2.000001 "), out());
    }

    @Test
    void jsonIsOneObjectALineShapedTypeAndData() throws IOException {
        sim = new RecordingBackend("sim", List.of(HELLO, DIV0), List.of(HIST, new TraceOutput.Lost(2, 5, 17)));
        assertEquals(ExitStatus.RUNTIME_ERROR, run("--backend", "sim", "-f", "json", script("ok").toString()));
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out().split("\n")) {
            lines.add(json.readTree(line));
        }
        assertEquals(4, lines.size(), out());
        assertEquals(json.readTree("{\"type\":\"printf\",\"data\":\"hello\\n\"}"), lines.get(0));
        assertEquals(json.readTree("{\"type\":\"error\",\"data\":{\"message\":\"divide by zero\",\"file\":\"s.kp\",\"line\":7}}"),
                lines.get(1));
        assertEquals(json.readTree("{\"type\":\"histogram\",\"data\":{\"rows\":[{\"key\":\"read\",\"count\":3},"
                + "{\"key\":\"write\",\"count\":1}],\"omitted\":0}}"), lines.get(2));
        assertEquals(json.readTree("{\"type\":\"lost_events\",\"data\":{\"events\":17,\"cpu\":2}}"), lines.get(3));
        assertEquals("", err(), "in JSON, errors are records on the output");
    }

    @Test
    void emittedRecordsInJson() throws IOException {
        sim = new RecordingBackend("sim", List.of(new TraceOutput.Emit(0, 9, "Open", List.of("pid", "path", "ok"),
                java.util.Arrays.asList(42L, "/etc/hosts", null))), List.of());
        assertEquals(ExitStatus.OK, run("--backend", "sim", "-f", "json", "-T", script("ok").toString()));
        assertEquals(new ObjectMapper().readTree("{\"type\":\"record\",\"data\":{\"schema\":\"Open\",\"fields\":"
                + "{\"pid\":42,\"path\":\"/etc/hosts\",\"ok\":null}},\"timestamp\":9}"), new ObjectMapper().readTree(out()));
    }

    @Test
    void autoUsesALiveBackendWhenThereIsOne() throws IOException {
        RecordingBackend live = new RecordingBackend("host", List.of(HELLO), List.of(HIST));
        host = live;
        assertEquals(ExitStatus.OK, run(script("ok").toString()));
        assertEquals("hello\n" + HIST.text(), out());
        assertEquals("Tracing... Hit Ctrl-C to end.\n", err());
        assertEquals(1, live.opened.size());
        assertTrue(sim.opened.isEmpty());
    }

    @Test
    void quietDropsTheBanner() throws IOException {
        host = new RecordingBackend("host", List.of(HELLO), List.of());
        assertEquals(ExitStatus.OK, run("-q", script("ok").toString()));
        assertEquals("", err());
    }

    @Test
    void autoWithoutALiveBackendSaysWhyAndExitsOne() throws IOException {
        assertEquals(ExitStatus.RUNTIME_ERROR, run(script("ok").toString()));
        assertEquals("", out());
        assertEquals("ktap: no backend can trace this host: kernel: the ktapvm module is not loaded; host: no perf access\n"
                + "ktap: (--backend sim runs the script on the simulated kernel)\n", err());
        assertTrue(sim.opened.isEmpty(), "auto never picks the simulated kernel");
    }

    @Test
    void anExplicitBackendThatCannotRunExitsOne() throws IOException {
        assertEquals(ExitStatus.RUNTIME_ERROR, run("--backend", "kernel", script("ok").toString()));
        assertEquals("ktap: backend kernel cannot run here: the ktapvm module is not loaded\n", err());
        assertTrue(sim.opened.isEmpty(), "an explicit backend never falls back");
    }

    @Test
    void unlimitedInstructionsAreRefusedOnTheKernel() throws IOException {
        kernel = new RecordingBackend("kernel", List.of(), List.of());
        assertEquals(ExitStatus.USAGE, run("--backend", "kernel", "--max-closures", "0", script("ok").toString()));
        assertEquals("ktap: the kernel backend refuses unlimited (0) limits: "
                + Limits.defaults().closures(0) + "\n", err());
    }

    @Test
    void aBuildWithoutACompilerSaysSo() throws IOException {
        int status = cli(Optional.empty(), dir).run(List.of(script("ok").toString()));
        assertEquals(ExitStatus.USAGE, status);
        assertEquals("ktap: this build has no ktap script compiler\n", err());
    }

    @Test
    void listEventsFiltersAndSortsTracefsEvents() throws IOException {
        Path tracefs = Files.createDirectories(dir.resolve("tracefs"));
        Files.writeString(tracefs.resolve("available_events"),
                "syscalls:sys_exit_read\nsched:sched_switch\nsyscalls:sys_enter_read\nsyscalls:sys_enter_openat\n");
        assertEquals(ExitStatus.OK, run("-le", "syscalls:sys_enter_*"));
        assertEquals("syscalls:sys_enter_openat\nsyscalls:sys_enter_read\n", out());
        out.reset();
        assertEquals(ExitStatus.OK, run("-le"));
        assertEquals(4, out().lines().count());
        out.reset();
        assertEquals(ExitStatus.OK, run("-le", "sched:sched_???tch"));
        assertEquals("sched:sched_switch\n", out());
    }

    @Test
    void listEventsWithoutTracefsExitsOneAndSaysWhy() {
        assertEquals(ExitStatus.RUNTIME_ERROR, run("-le"));
        assertTrue(err().startsWith("ktap: tracefs is not mounted (looked in " + dir.resolve("tracefs") + ")"), err());
    }

    @Test
    void theCommandOfDashDashIsHandedToTheBackend() throws IOException {
        RecordingBackend live = new RecordingBackend("host", List.of(), List.of());
        host = live;
        assertEquals(ExitStatus.OK, run("--backend", "host", "-q", script("ok").toString(), "--",
                "/bin/sh", "-c", "exit 0"));
        assertEquals(List.of("/bin/sh", "-c", "exit 0"), live.opened.get(0).command(),
                "the backend starts the command, so that it traces it from its exec on");
        assertTrue(live.opened.get(0).pid().isEmpty());
    }

    @Test
    void summaryCountsBlocks() {
        assertEquals("1 trace block, 1 timer, a trace_end block", KtapCli.ProgramSummary.of(TRACING).toString());
        KtapCli.ProgramSummary empty = KtapCli.ProgramSummary.of(new Program(Span.NONE, Block.of()));
        assertEquals("0 trace blocks, 0 timers, no trace_end block", empty.toString());
        assertFalse(empty.hasProbes());
        assertEquals(Map.of(), Map.of());
    }
}
