package io.ktap.cli;

import io.ktap.ast.Diagnostic;
import io.ktap.ast.Program;
import io.ktap.ast.Stmt;
import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.ChunkWriter;
import io.ktap.bytecode.Codegen;
import io.ktap.bytecode.CodegenResult;
import io.ktap.bytecode.Disassembler;
import io.ktap.bytecode.Verifier;
import io.ktap.sim.ChunkLoader;
import io.ktap.trace.Backends;
import io.ktap.trace.Limits;
import io.ktap.trace.TraceBackend;
import io.ktap.trace.TraceException;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import io.ktap.trace.TraceProgram;
import io.ktap.trace.TraceSession;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The {@code ktap} command: compiles a ktap script with the SDK and runs it on a backend, the way
 * an application embedding the SDK would. See {@link Usage} for the command line and
 * {@link ExitStatus} for what it returns.
 */
public final class KtapCli {

    /** How text output is encoded: the records' text is Unicode (script bytes decoded as UTF-8). */
    static final Charset OUTPUT_CHARSET = StandardCharsets.UTF_8;

    /** How often a live trace's buffered output is flushed. */
    private static final long FLUSH_MILLIS = 100;

    private final Optional<Frontend> frontend;
    private final Function<String, TraceBackend> backends;
    private final TracefsEvents tracefs;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param frontend     the script compiler, or empty in a build without one
     * @param backends     the backend for a {@code --backend} name ({@link Backends#byName})
     * @param tracefs      where {@code -le} reads the host's events
     * @param out          standard output: the program's output, listings, help
     * @param err          standard error: diagnostics, runtime errors, the banner
     */
    public KtapCli(Optional<Frontend> frontend, Function<String, TraceBackend> backends, TracefsEvents tracefs,
            PrintStream out, PrintStream err) {
        this.frontend = Objects.requireNonNull(frontend, "frontend");
        this.backends = Objects.requireNonNull(backends, "backends");
        this.tracefs = Objects.requireNonNull(tracefs, "tracefs");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    /** The command as shipped: this build's compiler, disassembler and backends. */
    public static KtapCli standard(PrintStream out, PrintStream err) {
        return new KtapCli(Toolchain.frontend(), Backends::byName, new TracefsEvents(), out, err);
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, OUTPUT_CHARSET);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, OUTPUT_CHARSET);
        int status = standard(out, err).run(List.of(args));
        out.flush();
        err.flush();
        System.exit(status);
    }

    /** Runs the command line {@code args} and returns the exit status. */
    public int run(List<String> args) {
        Invocation invocation = CommandLineParser.parse(args);
        try {
            if (invocation instanceof Invocation.Help) {
                out.print(Usage.TEXT);
                return ExitStatus.OK;
            } else if (invocation instanceof Invocation.Version) {
                out.println("ktap " + version() + " (ktap for Java; Java " + Runtime.version().feature() + ")");
                return ExitStatus.OK;
            } else if (invocation instanceof Invocation.UsageError u) {
                err.println("ktap: " + u.message());
                err.println("Try 'ktap -h' for help.");
                return ExitStatus.USAGE;
            } else if (invocation instanceof Invocation.ListEvents l) {
                return listEvents(l);
            } else if (invocation instanceof Invocation.Run r) {
                return runProgram(r.options());
            }
            throw new IllegalStateException("unhandled " + invocation);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int listEvents(Invocation.ListEvents l) {
        TracefsEvents.Listing listing = tracefs.list(l.glob().map(Glob::of));
        if (listing instanceof TracefsEvents.Listing.Unavailable u) {
            err.println("ktap: " + u.reason());
            return ExitStatus.RUNTIME_ERROR;
        }
        for (String name : ((TracefsEvents.Listing.Events) listing).names()) {
            out.println(name);
        }
        return ExitStatus.OK;
    }

    private int runProgram(RunOptions o) {
        String name = o.source().displayName();
        byte[] source;
        try {
            source = readSource(o.source());
        } catch (NoSuchFileException e) {
            err.println("ktap: cannot read " + name + ": no such file");
            return ExitStatus.USAGE;
        } catch (IOException e) {
            err.println("ktap: cannot read " + name + ": " + e.getMessage());
            return ExitStatus.USAGE;
        }
        if (frontend.isEmpty()) {
            err.println("ktap: this build has no ktap script compiler");
            return ExitStatus.USAGE;
        }
        long compileStart = System.nanoTime();
        Frontend.Result result = frontend.get().compile(name, source);
        for (Diagnostic d : result.diagnostics()) {
            err.println(d);
        }
        if (result.hasErrors()) {
            long errors = result.diagnostics().stream().filter(Diagnostic::isError).count();
            err.println(errors + (errors == 1 ? " error" : " errors"));
            return ExitStatus.USAGE;
        }
        Program program = result.program().orElseThrow();
        if (o.verbose()) {
            err.printf("ktap: compiled %s in %d ms%n", name, (System.nanoTime() - compileStart) / 1_000_000);
        }
        // Generate the bytecode here, whatever the backend does with the program, so that a program
        // the code generator refuses is a compile error (exit 2) like any other.
        Limits limits = o.limits().applyTo(Limits.defaults());
        CodegenResult codegen = Codegen.compile(program, ChunkLoader.limits(limits));
        for (Diagnostic d : codegen.diagnostics()) {
            err.println(d);
        }
        if (!codegen.ok()) {
            long errors = codegen.diagnostics().stream().filter(Diagnostic::isError).count();
            err.println(errors + (errors == 1 ? " error" : " errors"));
            return ExitStatus.USAGE;
        }
        Chunk chunk = codegen.orThrow();
        if (o.dumpBytecode()) {
            out.print(Disassembler.disassemble(chunk));
        }
        if (o.dryRun()) {
            Verifier.Policy policy = o.backend() == Backend.KERNEL ? Verifier.Policy.KERNEL : Verifier.Policy.USERSPACE;
            List<Verifier.Error> rejected = Verifier.verify(chunk, policy);
            if (!rejected.isEmpty()) {
                // The code generator's own output failed verification: a bug in the SDK, not in the script.
                for (Verifier.Error e : rejected) {
                    err.println(name + ": " + e);
                }
                err.println("ktap: internal error: the generated chunk does not verify");
                return ExitStatus.RUNTIME_ERROR;
            }
            out.println(name + ": ok: " + ProgramSummary.of(program) + "; chunk of "
                    + ChunkWriter.write(chunk).length + " bytes, verified");
        }
        if (o.compileOnly()) {
            return ExitStatus.OK;
        }
        if (o.pid().isPresent() && Files.isDirectory(Path.of("/proc")) && !Files.isDirectory(Path.of("/proc", String.valueOf(o.pid().getAsInt())))) {
            err.println("ktap: -p " + o.pid().getAsInt() + ": no such process");
            return ExitStatus.USAGE;
        }
        return trace(o, name, program, limits);
    }

    private int trace(RunOptions o, String name, Program program, Limits limits) {
        TraceBackend backend = selectBackend(o);
        if (backend == null) {
            return ExitStatus.RUNTIME_ERROR;
        }
        boolean simulated = Backends.SIM.equals(backend.name());
        TraceOptions options = TraceOptions.defaults()
                .limits(limits)
                .scriptArgs(name, o.scriptArgs());
        if (o.pid().isPresent()) {
            options = options.pid(o.pid().getAsInt());
        }
        if (o.cpu().isPresent()) {
            options = options.cpu(o.cpu().getAsInt());
        }
        if (options.limits().hasUnlimited() && backend.name().equals(Backends.KERNEL)) {
            err.println("ktap: the kernel backend refuses unlimited (0) limits: " + options.limits());
            return ExitStatus.USAGE;
        }
        if (o.verbose()) {
            err.println("ktap: backend " + backend.name() + ", " + options.limits());
        }

        PrintStream data = out;
        OutputStream file = null;
        if (o.outputFile().isPresent()) {
            try {
                file = Files.newOutputStream(o.outputFile().get());
            } catch (IOException e) {
                err.println("ktap: cannot write " + o.outputFile().get() + ": " + e.getMessage());
                return ExitStatus.RUNTIME_ERROR;
            }
            data = new PrintStream(new BufferedOutputStream(file, 1 << 16), false, OUTPUT_CHARSET);
        }
        RecordWriter writer = RecordWriter.of(o.format(), data, err, o.timestamps());
        AtomicBoolean failed = new AtomicBoolean();
        try {
            if (!o.command().isEmpty()) {
                options = options.command(o.command());
            }
            try (TraceSession session = backend.open(TraceProgram.of(program), options)) {
                session.onEvent(record -> {
                    if (record instanceof TraceOutput.RuntimeError) {
                        failed.set(true);
                    }
                    writer.write(record);
                });
                if (simulated) {
                    // No real events reach the simulated kernel: run the main chunk, then the end block.
                    session.startAsync();
                } else {
                    traceLive(o, program, session, writer);
                }
            }
        } catch (TraceException e) {
            err.println("ktap: " + e.getMessage());
            failed.set(true);
        } finally {
            writer.flush();
            if (file != null) {
                data.close();
            }
        }
        return failed.get() ? ExitStatus.RUNTIME_ERROR : ExitStatus.OK;
    }

    /** Runs a session on a real kernel until exit(), an error, the command's exit, or Ctrl-C. */
    private void traceLive(RunOptions o, Program program, TraceSession session, RecordWriter writer) {
        // Output is buffered for throughput; a live trace still shows it within a tenth of a second.
        ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ktap-flush");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(writer::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        // Ctrl-C (or SIGTERM) ends tracing like exit(): the end block runs, the output is flushed,
        // and ktap exits 0.
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            if (!session.isTerminated()) {
                interrupted.set(true);
                session.close();
                writer.flush();
                out.flush();
                err.flush();
                Runtime.getRuntime().halt(ExitStatus.OK);
            }
        }, "ktap-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (!o.quiet() && ProgramSummary.of(program).hasProbes()) {
                err.println("Tracing... Hit Ctrl-C to end.");
            }
            try {
                session.start();
            } catch (IllegalStateException closedBeforeStart) {
                if (!interrupted.get()) {
                    throw closedBeforeStart;
                }
                // Ctrl-C came before tracing started: the hook has closed the session and ends ktap.
            }
        } finally {
            flusher.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running and ends the process.
            }
        }
    }

    /**
     * The backend {@code --backend} names. {@code auto} is the kernel module, else the host; where
     * neither can run, the cause is reported (the simulated kernel is never picked silently:
     * a trace that sees no events must not look like a quiet host).
     */
    private TraceBackend selectBackend(RunOptions o) {
        TraceBackend backend = backends.apply(o.backend().optionName());
        if (backend.isAvailable()) {
            return backend;
        }
        String cause = backend.unavailabilityCause().orElse("unavailable");
        if (o.backend() == Backend.AUTO) {
            err.println("ktap: " + cause);
            err.println("ktap: (--backend sim runs the script on the simulated kernel)");
        } else {
            err.println("ktap: backend " + o.backend().optionName() + " cannot run here: " + cause);
        }
        return null;
    }

    private static byte[] readSource(ScriptSource source) throws IOException {
        if (source instanceof ScriptSource.File f) {
            return Files.readAllBytes(f.path());
        }
        return ((ScriptSource.Inline) source).text().getBytes(StandardCharsets.UTF_8);
    }

    /** The version Maven stamped into the jar. */
    static String version() {
        try (InputStream in = KtapCli.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isEmpty() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // Fall through: an unknown version is not worth failing for.
        }
        return "unknown";
    }

    /** What {@code -d} reports about a compiled program, from its top-level statements. */
    record ProgramSummary(int traceBlocks, int timers, boolean traceEnd) {
        static ProgramSummary of(Program program) {
            int traces = 0;
            int timers = 0;
            boolean end = false;
            for (Stmt s : program.body().statements()) {
                if (s instanceof Stmt.Trace t) {
                    if (t.probes().get(0) instanceof io.ktap.ast.Probe.Timer) {
                        timers++;
                    } else {
                        traces++;
                    }
                } else if (s instanceof Stmt.TraceEnd) {
                    end = true;
                }
            }
            return new ProgramSummary(traces, timers, end);
        }

        boolean hasProbes() {
            return traceBlocks > 0 || timers > 0;
        }

        @Override
        public String toString() {
            return plural(traceBlocks, "trace block") + ", " + plural(timers, "timer") + ", "
                    + (traceEnd ? "a trace_end block" : "no trace_end block");
        }

        private static String plural(int n, String what) {
            return n + " " + what + (n == 1 ? "" : "s");
        }
    }
}
