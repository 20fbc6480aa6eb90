package io.ktap.host;

import io.ktap.ast.Builtin;
import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.Ins;
import io.ktap.bytecode.Opcode;
import io.ktap.bytecode.ProbeEntry;
import io.ktap.bytecode.ProbeKind;
import io.ktap.bytecode.Proto;
import io.ktap.trace.AbstractTraceSession;
import io.ktap.trace.TraceException;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import io.ktap.vm.KtapVm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A ktap program running on the host backend: its handlers run in the Java VM on one delivery
 * thread, fed by the samples of a {@link HostTracer}.
 *
 * <p>Opening resolves and attaches every probe (disabled), so a probe that cannot be resolved
 * fails at {@code open}. {@link #startAsync()} runs the main chunk on the calling thread, attaches
 * what it registered with {@code kdebug.probe}, enables the events (or lets the command exec), and
 * starts the delivery thread; when it returns, tracing is on. The delivery thread drains the
 * per-CPU rings, runs the handler of each sample, fires {@code tick-N} timers between batches
 * (after the samples already in the rings), and ends the session when the script calls
 * {@code exit()}, a runtime error stops it, the traced process (with its children) has exited, or
 * {@link #close()} is called: then it disables the events, drains the rings (handlers no longer
 * run once the script has stopped, but lost counts are still reported), runs the end blocks,
 * removes the probe events it created and closes every descriptor.
 *
 * <p>In system-wide mode the samples of the ktap process itself are skipped, so that a handler's
 * output (write syscalls, page faults...) does not trace itself in a loop.
 */
public final class HostSession extends AbstractTraceSession {

    /** Frames kept of each callchain, when the program prints backtraces. */
    static final int CALLCHAIN_DEPTH = 127;

    private final Chunk chunk;
    private final TraceOptions options;
    private final HostTracer tracer;
    private final HostProbes probes;
    private final HostContext context;
    private final HostEvent event;
    private final io.ktap.vm.CounterEvent counterEvent = new io.ktap.vm.CounterEvent();
    private final Duration pollInterval;
    private final boolean skipSelf;
    private final int selfPid;
    private final Handler handler = new Handler();
    private final List<Tick> ticks = new ArrayList<>();

    /** Per attached event (by {@link AttachedEvent#index()}): its shape, and the probes it feeds. */
    private EventShape[] shapes = new EventShape[16];
    private int[][] probesOf = new int[16][];
    private List<KtapVm.DynamicProbe>[] dynamicOf = newDynamicArray(16);
    /**
     * Per attached event: a breakpoint's watched address (its arg1); a perf event's fixed period
     * (its arg2), or -1 when it samples at a frequency and each sample carries its period.
     */
    private long[] counterWord = new long[16];

    private KtapVm vm;
    private Thread thread;
    private volatile boolean stopRequested;
    private boolean finished;

    private static final class Tick {
        final int probe;
        final long period;
        final EventShape shape;
        long due;

        Tick(int probe, long period, EventShape shape, long due) {
            this.probe = probe;
            this.period = period;
            this.shape = shape;
            this.due = due;
        }
    }

    HostSession(Chunk chunk, TraceOptions options, HostOptions hostOptions, Duration pollInterval) {
        this.chunk = chunk;
        this.options = options;
        this.pollInterval = pollInterval;
        HostOptions o = hostOptions.trackComm(true);
        if (usesBacktraces(chunk)) {
            o = o.callchains(CALLCHAIN_DEPTH);
        }
        try {
            this.tracer = HostTracer.open(o);
        } catch (HostException e) {
            throw new TraceException(e.getMessage(), e);
        }
        this.selfPid = io.ktap.host.internal.LibC.getpid();
        this.skipSelf = o.target() == HostOptions.TargetKind.SYSTEM_WIDE;
        int cpus;
        try {
            cpus = HostSupport.onlineCpus().size();
        } catch (HostException e) {
            cpus = Runtime.getRuntime().availableProcessors();
        }
        this.context = new HostContext(new TaskNames(Path.of("/proc")), cpus, selfPid);
        this.event = new HostEvent(context);
        this.probes = new HostProbes(tracer);
        try {
            attachStatic();
        } catch (HostException | RuntimeException e) {
            closeQuietly();
            throw e instanceof TraceException te ? te : new TraceException(e.getMessage(), e);
        }
    }

    /** The command started for {@code -- CMD}, when there is one. */
    public Optional<Process> command() {
        return tracer.command();
    }

    /** The tracer's totals (samples, lost, ...), for diagnostics. */
    public HostTracer.Stats stats() {
        return tracer.stats();
    }

    // ---- probes -------------------------------------------------------------------------------

    private void attachStatic() throws HostException {
        List<ProbeEntry> entries = chunk.probes();
        for (int i = 0; i < entries.size(); i++) {
            ProbeEntry p = entries.get(i);
            switch (p.kind()) {
                case TICK -> ticks.add(new Tick(i, p.periodNanos(), EventShape.timer(p.spec()), 0));
                case PROFILE -> route(tracer.attachProfile(Duration.ofNanos(p.periodNanos())),
                        EventShape.timer(p.spec()), i);
                case PERF_EVENT, BREAKPOINT -> attachCounter(p, i);
                default -> {
                    String filter = p.filter() == null || p.filter().isBlank() ? null : p.filter();
                    try {
                        for (HostProbes.Resolved r : probes.attach(p.kind(), p.spec(), filter)) {
                            route(r.event(), r.shape(), i);
                        }
                    } catch (HostException e) {
                        throw new TraceException("cannot attach '" + p.spec() + "': " + e.getMessage(), e);
                    }
                }
            }
        }
    }

    /** A perf event or breakpoint: one counter per traced task and CPU. */
    private void attachCounter(ProbeEntry p, int index) {
        io.ktap.ast.Probe probe = io.ktap.ast.ProbeSpecs.parse(p.spec());
        List<Long> words;
        try {
            words = PerfCounters.resolve(probe);
        } catch (HostException e) {
            throw new TraceException("cannot attach '" + p.spec() + "': " + e.getMessage(), e);
        }
        AttachedEvent e;
        try {
            e = tracer.attachCounter(p.spec(), p.kind(), words);
        } catch (HostException ex) {
            throw new TraceException(PerfCounters.refusal(probe, ex), ex);
        }
        boolean interrupt = probe instanceof io.ktap.ast.Probe.PerfEvent pe
                && (pe.counter().isClock() || pe.counter().type() == io.ktap.ast.Probe.PerfEvent.Type.HARDWARE);
        String name = probe instanceof io.ktap.ast.Probe.PerfEvent pe ? pe.counter().perfName() : p.spec();
        route(e, EventShape.counter(name, interrupt), index);
        counterWord[e.index()] = probe instanceof io.ktap.ast.Probe.Breakpoint ? words.get(0)
                : words.get(3) == 1 ? -1 : words.get(2);
    }

    private void route(AttachedEvent e, EventShape shape, int probe) {
        ensureRoom(e.index());
        shapes[e.index()] = shape;
        int[] old = probesOf[e.index()];
        int[] now = old == null ? new int[] {probe} : Arrays.copyOf(old, old.length + 1);
        now[now.length - 1] = probe;
        probesOf[e.index()] = now;
    }

    private void routeDynamic(AttachedEvent e, EventShape shape, KtapVm.DynamicProbe d) {
        ensureRoom(e.index());
        shapes[e.index()] = shape;
        if (probesOf[e.index()] == null) {
            probesOf[e.index()] = new int[0];
        }
        if (dynamicOf[e.index()] == null) {
            dynamicOf[e.index()] = new ArrayList<>();
        }
        dynamicOf[e.index()].add(d);
    }

    private void ensureRoom(int index) {
        if (index >= shapes.length) {
            int n = Math.max(index + 1, shapes.length * 2);
            shapes = Arrays.copyOf(shapes, n);
            counterWord = Arrays.copyOf(counterWord, n);
            probesOf = Arrays.copyOf(probesOf, n);
            List<KtapVm.DynamicProbe>[] d = newDynamicArray(n);
            System.arraycopy(dynamicOf, 0, d, 0, dynamicOf.length);
            dynamicOf = d;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<KtapVm.DynamicProbe>[] newDynamicArray(int n) {
        return (List<KtapVm.DynamicProbe>[]) new List<?>[n];
    }

    /** Whether any function of the program calls {@code print_backtrace} or {@code stack}. */
    static boolean usesBacktraces(Chunk chunk) {
        int callb = Opcode.CALLB.code();
        for (Proto p : chunk.protos()) {
            for (int ins : p.code()) {
                if (Ins.op(ins) == callb) {
                    int id = Ins.c(ins);
                    if (id == Builtin.PRINT_BACKTRACE.id() || id == Builtin.STACK.id()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    @Override
    protected void doStart() {
        vm = new KtapVm(chunk, context, this::deliver);
        vm.setScriptArgs(options.scriptName().isEmpty() ? chunk.source() : options.scriptName(), options.scriptArgs());
        context.leave();
        vm.runMain();
        if (vm.isStopped()) {
            finish();
            return;
        }
        for (KtapVm.DynamicProbe d : vm.dynamicProbes()) {
            try {
                for (HostProbes.Resolved r : probes.attachDynamic(d.spec())) {
                    routeDynamic(r.event(), r.shape(), d);
                }
            } catch (HostException e) {
                deliver(new TraceOutput.RuntimeError(0, System.nanoTime(), "cannot probe '" + d.spec() + "': "
                        + e.getMessage(), options.scriptName().isEmpty() ? chunk.source() : options.scriptName(), 0));
                finish();
                return;
            }
        }
        if (tracer.events().isEmpty() && ticks.isEmpty()) {
            finish();  // nothing to trace: like the original, the program ends after its main chunk
            return;
        }
        long now = System.nanoTime();
        for (Tick t : ticks) {
            t.due = now + t.period;
        }
        try {
            tracer.start();
        } catch (HostException e) {
            failed(e);
            finish();
            throw new TraceException("cannot start tracing: " + e.getMessage(), e);
        }
        thread = new Thread(this::run, "ktap-host");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!stopRequested && !vm.isStopped()) {
                Tick next = nextTick();
                long now = System.nanoTime();
                if (next != null && next.due <= now) {
                    tracer.poll(Duration.ZERO, handler);  // the samples already there come first
                    fire(next, now);
                    continue;
                }
                long wait = pollInterval.toNanos();
                if (next != null) {
                    wait = Math.min(wait, next.due - now);
                }
                tracer.poll(Duration.ofNanos(Math.max(wait, 1_000_000)), handler);
                if (tracer.targetExited()) {
                    break;
                }
            }
        } catch (HostException | RuntimeException e) {
            failed(e);
        } finally {
            finish();
        }
    }

    private Tick nextTick() {
        Tick next = null;
        for (Tick t : ticks) {
            if (next == null || t.due < next.due) {
                next = t;
            }
        }
        return next;
    }

    private void fire(Tick t, long now) {
        t.due += t.period;
        if (t.due <= now) {
            t.due = now + t.period;  // fell behind (a long handler): skip, as a kernel timer would
        }
        int cpu = options.cpu().orElse(0);
        context.enterTimer(cpu, now);
        try {
            vm.runProbe(t.probe, event.setTimer(t.shape, cpu, now));
        } finally {
            context.leave();
        }
    }

    /** Disables, drains (lost counts included), runs the end blocks, removes the probes. Runs once. */
    private void finish() {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
        }
        try {
            tracer.finish(handler);
        } catch (HostException | RuntimeException e) {
            failed(e);
        }
        context.leave();
        if (vm != null) {
            vm.runEnd();
        }
        closeQuietly();
        terminated();
    }

    private void closeQuietly() {
        try {
            tracer.close();
        } catch (HostException e) {
            failed(e);
        } finally {
            context.close();
        }
    }

    @Override
    protected void doClose(boolean started) {
        if (!started) {
            synchronized (this) {
                finished = true;
            }
            closeQuietly();
            return;
        }
        stopRequested = true;
        Thread t = thread;
        if (t == null) {
            finish();
            return;
        }
        tracer.wakeup();
        if (t == Thread.currentThread()) {
            return;  // closed from a callback: the delivery loop ends after this batch
        }
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- samples ------------------------------------------------------------------------------

    private final class Handler implements SampleHandler {
        @Override
        public void onSample(SampleView sample) {
            if (vm.isStopped() || skipSelf && sample.pid() == selfPid) {
                return;
            }
            int index = sample.event().index();
            EventShape shape = shapes[index];
            context.enterSample(sample, shape);
            io.ktap.vm.TraceEvent current;
            if (shape.style() == EventShape.Style.COUNTER) {
                current = sample.event().kind() == AttachedEvent.Kind.BREAKPOINT
                        ? counterEvent.breakpoint(shape.name(), counterWord[index], sample.ip())
                        : counterEvent.perf(shape.name(), sample.ip(),
                                counterWord[index] < 0 ? sample.period() : counterWord[index]);
                counterEvent.context(context.tasks().comm(sample.pid(), sample.tid()).toString(), sample.tid(),
                        sample.cpu(), sample.time(), ".....");
            } else {
                current = event.set(sample, shape);
            }
            try {
                for (int probe : probesOf[index]) {
                    vm.runProbe(probe, current);
                    if (vm.isStopped()) {
                        return;
                    }
                }
                List<KtapVm.DynamicProbe> dynamic = dynamicOf[index];
                if (dynamic != null) {
                    HostEvent copy = event.snapshot();
                    for (KtapVm.DynamicProbe d : dynamic) {
                        vm.runDynamicProbe(d, copy);
                        if (vm.isStopped()) {
                            return;
                        }
                    }
                }
            } finally {
                context.leave();
            }
        }

        @Override
        public void onLost(int cpu, long count) {
            deliver(new TraceOutput.Lost(cpu, System.nanoTime(), count));
        }

        @Override
        public void onComm(int cpu, int pid, int tid, String comm, boolean exec) {
            context.tasks().named(tid, comm);
        }
    }

    @Override
    public String toString() {
        return "HostSession[" + chunk.source() + ", " + tracer + "]";
    }
}
