package io.ktap.sim;

import io.ktap.ast.Probe;
import io.ktap.ast.ProbeSpecs;
import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.ProbeEntry;
import io.ktap.bytecode.ProbeKind;
import io.ktap.trace.AbstractTraceSession;
import io.ktap.trace.TraceException;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import io.ktap.vm.CounterEvent;
import io.ktap.vm.KString;
import io.ktap.vm.KTable;
import io.ktap.vm.KtapVm;
import io.ktap.vm.TraceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A program running on the {@link SimKernel}: the test drives it. {@link #startAsync()} runs the
 * main chunk and attaches the probes; {@link #fire} delivers events to the matching handlers at
 * once, on the calling thread; {@link #advance} moves the virtual clock and fires the timers that
 * fall due; {@link #close()} runs the end blocks. Every record is delivered to the registered
 * callbacks and also kept, for assertions ({@link #outputs()}, {@link #printed()}, {@link #errors()}).
 *
 * <p>When the script calls {@code exit()} or a runtime error stops it, tracing ends as in the
 * kernel: the end blocks run at once, the session is terminated, and later events are not traced.
 *
 * <p>Perf events and breakpoints are simulated too: {@link #countPerf} counts occurrences of a
 * perf event and runs its handlers as their sample period falls due; {@code cpu-clock} and
 * {@code task-clock} advance with the clock ({@link #advance}); {@link #access} is a memory access
 * that runs the handlers of the breakpoints it hits.
 *
 * <p>{@link #start()} runs the main chunk, the kernel's workload (if the backend has one), then
 * closes: the {@code ktap --backend sim} behaviour.
 */
public final class SimSession extends AbstractTraceSession {

    private final SimKernel kernel;
    private final Chunk chunk;
    private final TraceOptions options;
    private final Consumer<SimSession> workload;
    private final List<TraceOutput> outputs = new ArrayList<>();
    private final List<Attachment> attachments = new ArrayList<>();
    private final List<Timer> timers = new ArrayList<>();
    private final List<Counter> counters = new ArrayList<>();
    private KtapVm vm;
    private boolean finished;

    SimSession(SimKernel kernel, Chunk chunk, TraceOptions options, Consumer<SimSession> workload) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.chunk = Objects.requireNonNull(chunk, "chunk");
        this.options = Objects.requireNonNull(options, "options");
        this.workload = workload;
        for (ProbeEntry p : chunk.probes()) {
            if (p.kind().isCounter()) {
                counterProbe(p);
            } else if (!p.kind().isTimer()) {
                // Resolve now, as userspace does at load: a malformed probe fails here.
                matcher(p.kind(), p.spec(), p.filter());
            }
        }
    }

    public SimKernel kernel() {
        return kernel;
    }

    // ---- lifecycle --------------------------------------------------------------------------------

    @Override
    protected void doStart() {
        vm = new KtapVm(chunk, kernel, this::record);
        vm.setScriptArgs(options.scriptName().isEmpty() ? chunk.source() : options.scriptName(), options.scriptArgs());
        vm.runMain();
        if (vm.isStopped()) {
            finish();
            return;
        }
        for (int i = 0; i < chunk.probes().size(); i++) {
            ProbeEntry p = chunk.probes().get(i);
            if (p.kind().isTimer()) {
                timers.add(new Timer(i, p, p.periodNanos(), kernel.now() + p.periodNanos()));
            } else if (p.kind().isCounter()) {
                Probe probe = counterProbe(p);
                if (probe instanceof Probe.PerfEvent e && e.counter().isClock()) {
                    long period = e.frequency() ? Math.max(1, 1_000_000_000L / e.sample()) : e.sample();
                    timers.add(new Timer(i, p, period, kernel.now() + period));
                } else {
                    counters.add(new Counter(i, probe));
                }
            } else {
                int probe = i;
                attachments.add(new Attachment(matcher(p.kind(), p.spec(), p.filter()),
                        e -> vm.runProbe(probe, e)));
            }
        }
        for (KtapVm.DynamicProbe d : vm.dynamicProbes()) {
            Matcher m;
            try {
                m = dynamicMatcher(d.spec());
            } catch (IllegalArgumentException e) {
                record(new TraceOutput.RuntimeError(kernel.cpu(), kernel.now(), "cannot probe '" + d.spec() + "': "
                        + e.getMessage(), chunk.source(), 0));
                finish();
                return;
            }
            attachments.add(new Attachment(m, e -> vm.runDynamicProbe(d, e)));
        }
    }

    /** Runs the main chunk, the workload, then the end blocks: the whole program, synchronously. */
    @Override
    public void start() {
        startAsync();
        if (workload != null && !finished) {
            workload.accept(this);
        }
        close();
    }

    @Override
    protected void doClose(boolean started) {
        if (started) {
            finish();
        }
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        attachments.clear();
        timers.clear();
        counters.clear();
        kernel.leave();
        vm.runEnd();
        terminated();
    }

    private void record(TraceOutput out) {
        outputs.add(out);
        deliver(out);
    }

    private void requireStarted() {
        if (!isStarted()) {
            throw new IllegalStateException("start the session before firing events");
        }
    }

    // ---- events --------------------------------------------------------------------------------

    /**
     * Fires {@code event} ({@code system:name}) with {@code fields} in the current task on the
     * current CPU (see {@link SimKernel#current}).
     *
     * @return the number of handlers that ran
     */
    public int fire(String event, Map<String, ?> fields) {
        return fireAs(kernel.currentTask(), kernel.currentCpu(), event, fields);
    }

    /** Fires {@code event} with no field values (numbers 0, text empty). */
    public int fire(String event) {
        return fire(event, Map.of());
    }

    /** Fires {@code event} in task {@code task} on CPU {@code cpu}. */
    public int fireAs(SimTask task, int cpu, String event, Map<String, ?> fields) {
        requireStarted();
        if (finished) {
            return 0;
        }
        return fire(kernel.newEvent(event, fields, task, cpu));
    }

    /** Fires an event made with {@link SimKernel#newEvent}. */
    public int fire(SimEvent event) {
        requireStarted();
        if (finished) {
            return 0;
        }
        if (options.pid().isPresent() && event.task().pid() != options.pid().getAsInt()) {
            return 0;
        }
        if (options.cpu().isPresent() && event.cpu() != options.cpu().getAsInt()) {
            return 0;
        }
        int ran = 0;
        for (Attachment a : List.copyOf(attachments)) {
            if (!a.matcher.matches(event)) {
                continue;
            }
            kernel.enter(event.task(), event.cpu(), false, event.stack());
            try {
                a.handler.accept(event);
            } finally {
                kernel.leave();
            }
            ran++;
            if (vm.isStopped()) {
                finish();
                break;
            }
        }
        return ran;
    }

    /**
     * Moves the virtual clock forward by {@code d}, firing every timer that falls due, in time
     * order ({@code tick-N} on one CPU, {@code profile-N} on every CPU in turn).
     */
    public SimSession advance(Duration d) {
        requireStarted();
        if (d.isNegative()) {
            throw new IllegalArgumentException("the clock never goes back: " + d);
        }
        long target = kernel.now() + d.toNanos();
        while (!finished) {
            Timer next = null;
            for (Timer t : timers) {
                if (t.next <= target && (next == null || t.next < next.next)) {
                    next = t;
                }
            }
            if (next == null) {
                break;
            }
            kernel.setNow(next.next);
            next.next += next.period;
            fireTimer(next);
        }
        kernel.setNow(Math.max(kernel.now(), target));
        return this;
    }

    private void fireTimer(Timer t) {
        if (t.entry.kind() == ProbeKind.PERF_EVENT) {
            fireClock(t);
            return;
        }
        List<Integer> cpus = new ArrayList<>();
        if (t.entry.kind() == ProbeKind.PROFILE) {
            for (int c = 0; c < kernel.numCpus(); c++) {
                cpus.add(c);
            }
        } else {
            cpus.add(options.cpu().isPresent() ? Math.min(options.cpu().getAsInt(), kernel.numCpus() - 1) : 0);
        }
        for (int c : cpus) {
            if (finished) {
                return;
            }
            if (options.cpu().isPresent() && c != options.cpu().getAsInt()) {
                continue;
            }
            TimerEvent ev = new TimerEvent(t.entry.spec(), kernel.currentTask(), c, kernel.now());
            kernel.enter(kernel.currentTask(), c, true, kernel.timerStack());
            try {
                vm.runProbe(t.probe, ev);
            } finally {
                kernel.leave();
            }
            if (vm.isStopped()) {
                finish();
            }
        }
    }

    /**
     * A period of {@code cpu-clock} (on every CPU, as a system-wide per-CPU counter) or
     * {@code task-clock} (the current task's time, on the current CPU) elapsed.
     */
    private void fireClock(Timer t) {
        Probe.PerfEvent e = (Probe.PerfEvent) ProbeSpecs.parse(t.entry.spec());
        List<Integer> cpus = new ArrayList<>();
        if (e.counter() == Probe.PerfEvent.Counter.CPU_CLOCK) {
            for (int c = 0; c < kernel.numCpus(); c++) {
                cpus.add(c);
            }
        } else {
            cpus.add(kernel.currentCpu());
        }
        SimTask task = kernel.currentTask();
        if (options.pid().isPresent() && task.pid() != options.pid().getAsInt()) {
            return;
        }
        long[] stack = kernel.timerStack();
        for (int c : cpus) {
            if (finished) {
                return;
            }
            if (options.cpu().isPresent() && c != options.cpu().getAsInt()) {
                continue;
            }
            CounterEvent ev = new CounterEvent().perf(KString.of(e.counter().perfName()), stack[0], t.period)
                    .context(task.comm(), task.tid(), c, kernel.now(), ".....");
            kernel.enter(task, c, true, stack);
            try {
                vm.runProbe(t.probe, ev);
            } finally {
                kernel.leave();
            }
            if (vm.isStopped()) {
                finish();
            }
        }
    }

    // ---- perf events and breakpoints ---------------------------------------------------------------

    /**
     * Counts {@code count} occurrences of the perf event {@code event} (perf's name or alias:
     * {@code page-faults}, {@code cs}, {@code cycles}...) in the current task on the current CPU,
     * at instruction {@code ip}: each probe on the event runs its handler once every time its
     * sample period falls due (counts carry over between calls, per CPU, as in the kernel). A probe
     * sampling at a frequency, whose period the kernel would adapt, runs once per call.
     * {@code cpu-clock} and {@code task-clock} are not counted here: they advance with
     * {@link #advance}.
     *
     * @return the number of handler runs
     */
    public int countPerf(String event, long count, long ip) {
        return countPerfAs(kernel.currentTask(), kernel.currentCpu(), event, count, ip);
    }

    /** {@link #countPerf(String, long, long)} at the address of the kernel function {@code schedule}. */
    public int countPerf(String event, long count) {
        return countPerf(event, count, kernel.address("schedule", 0x5e));
    }

    /** Counts occurrences of a perf event in task {@code task} on CPU {@code cpu}. */
    public int countPerfAs(SimTask task, int cpu, String event, long count, long ip) {
        requireStarted();
        Probe.PerfEvent.Counter counter = Probe.PerfEvent.Counter.byName(event).orElseThrow(() ->
                new IllegalArgumentException("unknown perf event '" + event + "'"));
        if (counter.isClock()) {
            throw new IllegalArgumentException(counter.perfName() + " advances with the clock: use advance(Duration)");
        }
        if (count < 0) {
            throw new IllegalArgumentException("a negative count: " + count);
        }
        kernel.checkCpu(cpu);
        if (finished || !traced(task, cpu)) {
            return 0;
        }
        int ran = 0;
        for (Counter c : List.copyOf(counters)) {
            if (!(c.probe instanceof Probe.PerfEvent e) || e.counter() != counter) {
                continue;
            }
            long runs;
            long period;
            if (e.frequency()) {
                runs = count > 0 ? 1 : 0;
                period = count;
            } else {
                long acc = c.left.getOrDefault(cpu, 0L) + count;
                runs = acc / e.sample();
                c.left.put(cpu, acc % e.sample());
                period = e.sample();
            }
            CounterEvent ev = new CounterEvent().perf(KString.of(counter.perfName()), ip, period);
            for (long r = 0; r < runs && !finished; r++) {
                ev.context(task.comm(), task.tid(), cpu, kernel.now(), ".....");
                ran += run(c.index, task, cpu, ev);
            }
        }
        return ran;
    }

    /**
     * A memory access by the current task on the current CPU: {@code size} bytes at
     * {@code address} read ({@link Probe.Breakpoint.Access#R}), written ({@code W}), or the
     * instruction there executed ({@code X}), by the instruction before {@code ip}. Every
     * breakpoint whose bytes it touches and that watches that kind of access runs its handler
     * ({@code rw} watches reads and writes). A breakpoint on a kernel symbol watches the symbol's
     * address in this kernel ({@link SimKernel#symbol(String)}).
     *
     * @param kind R, W or X ({@code RW} is not one access)
     * @return the number of handler runs
     */
    public int access(Probe.Breakpoint.Access kind, long address, int size, long ip) {
        return accessAs(kernel.currentTask(), kernel.currentCpu(), kind, address, size, ip);
    }

    /** A memory access in task {@code task} on CPU {@code cpu}. */
    public int accessAs(SimTask task, int cpu, Probe.Breakpoint.Access kind, long address, int size, long ip) {
        requireStarted();
        Objects.requireNonNull(kind, "kind");
        if (kind == Probe.Breakpoint.Access.RW) {
            throw new IllegalArgumentException("an access reads (R), writes (W) or executes (X)");
        }
        if (size < 1) {
            throw new IllegalArgumentException("an access touches at least one byte: " + size);
        }
        kernel.checkCpu(cpu);
        if (finished || !traced(task, cpu)) {
            return 0;
        }
        int ran = 0;
        for (Counter c : List.copyOf(counters)) {
            if (!(c.probe instanceof Probe.Breakpoint b) || finished) {
                continue;
            }
            long start = c.address;
            boolean overlaps = Long.compareUnsigned(address, start + b.length()) < 0
                    && Long.compareUnsigned(start, address + size) < 0;
            boolean watches = (b.access().bits() & kind.bits()) != 0;
            if (overlaps && watches) {
                CounterEvent ev = new CounterEvent().breakpoint(KString.of(c.spec), start, ip)
                        .context(task.comm(), task.tid(), cpu, kernel.now(), ".....");
                ran += run(c.index, task, cpu, ev);
            }
        }
        return ran;
    }

    private boolean traced(SimTask task, int cpu) {
        return (options.pid().isEmpty() || task.pid() == options.pid().getAsInt())
                && (options.cpu().isEmpty() || cpu == options.cpu().getAsInt());
    }

    private int run(int probe, SimTask task, int cpu, CounterEvent ev) {
        kernel.enter(task, cpu, false, kernel.counterStack());
        try {
            vm.runProbe(probe, ev);
        } finally {
            kernel.leave();
        }
        if (vm.isStopped()) {
            finish();
        }
        return 1;
    }

    /** Parses a perf-event or breakpoint entry, refusing what the simulated machine cannot do. */
    private Probe counterProbe(ProbeEntry p) {
        Probe probe;
        try {
            probe = ProbeSpecs.parse(p.spec());
        } catch (IllegalArgumentException e) {
            throw new TraceException(e.getMessage(), e);
        }
        if (probe instanceof Probe.Breakpoint b && b.access() == Probe.Breakpoint.Access.R
                && kernel.arch().toString().equals("x86_64")) {
            throw new TraceException("cannot attach '" + p.spec() + "': x86 breakpoints cannot watch reads alone;"
                    + " watch reads and writes with :rw");
        }
        return probe;
    }

    // ---- what the test asserts on ------------------------------------------------------------------

    /** Every record so far, in order. */
    public List<TraceOutput> outputs() {
        return Collections.unmodifiableList(new ArrayList<>(outputs));
    }

    /** The program's text output so far: print, printf, ansi, histogram and aggregation text, concatenated. */
    public String printed() {
        return outputs.stream().filter(o -> o instanceof TraceOutput.Print || o instanceof TraceOutput.Histogram
                        || o instanceof TraceOutput.Aggregation)
                .map(TraceOutput::text).collect(Collectors.joining());
    }

    /** Everything as the command line shows it: text output and error lines, in order. */
    public String text() {
        return outputs.stream().filter(o -> !(o instanceof TraceOutput.Lost)).map(TraceOutput::text)
                .collect(Collectors.joining());
    }

    /** The runtime errors so far. */
    public List<TraceOutput.RuntimeError> errors() {
        return outputs.stream().filter(o -> o instanceof TraceOutput.RuntimeError)
                .map(o -> (TraceOutput.RuntimeError) o).toList();
    }

    /** The {@code emit} records of {@code type}'s schema so far, decoded. */
    public <R extends Record> List<R> records(Class<R> type) {
        return outputs.stream().filter(o -> o instanceof TraceOutput.Emit e
                        && (e.schema().equals(type.getSimpleName()) || e.schema().equals(type.getName())))
                .map(o -> ((TraceOutput.Emit) o).as(type)).toList();
    }

    /** The histograms printed so far. */
    public List<TraceOutput.Histogram> histograms() {
        return outputs.stream().filter(o -> o instanceof TraceOutput.Histogram).map(o -> (TraceOutput.Histogram) o)
                .toList();
    }

    /** The aggregations printed so far. */
    public List<TraceOutput.Aggregation> aggregations() {
        return outputs.stream().filter(o -> o instanceof TraceOutput.Aggregation)
                .map(o -> (TraceOutput.Aggregation) o).toList();
    }

    /**
     * The global {@code name} as a Java value: {@link Long}, {@link String}, {@link Boolean}, a
     * {@link Map} for a table, a {@link TraceOutput.Aggregation} for an aggregation, or null when nil
     * or not a global of the program.
     */
    public Object global(String name) {
        requireStarted();
        return vm.global(name);
    }

    /** The global table {@code name} as a map (empty when the global is not a table). */
    @SuppressWarnings("unchecked")
    public Map<Object, Object> table(String name) {
        Object v = global(name);
        return v instanceof Map<?, ?> m ? (Map<Object, Object>) m : Map.of();
    }

    /** The status the script gave {@code exit()} (0 when none). */
    public int exitStatus() {
        return vm == null ? 0 : vm.exitStatus();
    }

    /** Whether the script stopped by itself ({@code exit()} or a runtime error). */
    public boolean hasEnded() {
        return finished;
    }

    // ---- probes -----------------------------------------------------------------------------------

    private record Attachment(Matcher matcher, Consumer<TraceEvent> handler) {
    }

    private static final class Timer {
        final int probe;
        final ProbeEntry entry;
        final long period;
        long next;

        Timer(int probe, ProbeEntry entry, long period, long next) {
            this.probe = probe;
            this.entry = entry;
            this.period = period;
            this.next = next;
        }
    }

    /** A perf event or breakpoint probe: what it counts, and per CPU the count towards its next sample. */
    private final class Counter {
        final int index;
        final Probe probe;
        final String spec;
        final long address;
        final Map<Integer, Long> left = new HashMap<>();

        Counter(int index, Probe probe) {
            this.index = index;
            this.probe = probe;
            this.spec = ProbeSpecs.format(probe);
            this.address = probe instanceof Probe.Breakpoint b
                    ? (b.symbol() == null ? b.address() : kernel.address(b.symbol(), b.address())) : 0;
        }
    }

    /** Which events a probe receives. */
    interface Matcher {
        boolean matches(SimEvent e);
    }

    private Matcher matcher(ProbeKind kind, String spec, String filter) {
        Matcher m = switch (kind) {
            case TRACEPOINT -> tracepoint(spec);
            case KPROBE, KRETPROBE -> kprobe(spec, kind == ProbeKind.KRETPROBE);
            case UPROBE, URETPROBE -> uprobe(spec, kind == ProbeKind.URETPROBE);
            case SDT -> sdt(spec);
            case FTRACE_FUNCTION -> e -> e.format().qualifiedName().equals("ftrace:function");
            case TICK, PROFILE -> throw new IllegalStateException("timers are not events");
            case PERF_EVENT, BREAKPOINT -> throw new IllegalStateException("perf counters are not trace events");
        };
        if (filter == null || filter.isEmpty()) {
            return m;
        }
        EventFilter f;
        try {
            f = EventFilter.parse(filter);
        } catch (IllegalArgumentException e) {
            throw new TraceException("invalid event filter '" + filter + "': " + e.getMessage(), e);
        }
        return e -> m.matches(e) && f.test(e);
    }

    private static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (char c : g.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    private static Matcher tracepoint(String spec) {
        String s = spec.startsWith("tp:") ? spec.substring(3) : spec;
        int colon = s.indexOf(':');
        Pattern sys = glob(colon < 0 ? s : s.substring(0, colon));
        Pattern ev = glob(colon < 0 ? "*" : s.substring(colon + 1));
        return e -> sys.matcher(e.format().system()).matches() && ev.matcher(e.format().name()).matches();
    }

    private Matcher kprobe(String spec, boolean isReturn) {
        String[] parts = body(spec, "probe:").split("\\s+");
        String sym = parts[0].replace("%return", "");
        int plus = sym.indexOf('+');
        if (plus >= 0) {
            sym = sym.substring(0, plus);
        }
        String name = isReturn ? sym + "__return" : sym;
        kernel.symbol(sym, 0x200);
        EventFormat f = kernel.probeEvent("kprobes", name, isReturn, fetchFields(parts));
        return e -> e.format() == f;
    }

    private Matcher uprobe(String spec, boolean isReturn) {
        String[] parts = body(spec, "probe:").split("\\s+");
        String target = parts[0].replace("%return", "");
        int colon = target.lastIndexOf(':');
        if (colon < 0) {
            throw new TraceException("malformed uprobe '" + spec + "'");
        }
        String where = target.substring(colon + 1);
        String base = target.substring(target.lastIndexOf('/') + 1, colon).replaceAll("[^A-Za-z0-9_]", "_");
        String name = where.matches("0x[0-9a-fA-F]+|[0-9]+") ? "p_" + base + "_" + where : where.replaceAll("\\+.*", "");
        if (isReturn) {
            name += "__return";
        }
        EventFormat f = kernel.probeEvent("uprobes", name, isReturn, fetchFields(parts));
        return e -> e.format() == f;
    }

    private Matcher sdt(String spec) {
        String target = body(spec, "sdt:");
        int colon = target.lastIndexOf(':');
        if (colon < 0) {
            throw new TraceException("malformed SDT probe '" + spec + "'");
        }
        String file = target.substring(target.lastIndexOf('/') + 1, colon);
        int dot = file.indexOf('.');
        String system = "sdt_" + (dot > 0 ? file.substring(0, dot) : file);
        String marker = target.substring(colon + 1);
        if (!marker.contains("*") && !marker.contains("?") && kernel.event(system + ":" + marker).isEmpty()) {
            // A named marker exists once a program attaches to it, as perf's sdt events do.
            kernel.probeEvent(system, marker, false, List.of());
        }
        Pattern ev = glob(marker);
        return e -> e.format().system().equals(system) && ev.matcher(e.format().name()).matches();
    }

    private static String body(String spec, String prefix) {
        return spec.startsWith(prefix) ? spec.substring(prefix.length()).strip() : spec.strip();
    }

    /** The fields of a probe's fetch args: {@code name=fetch[:type]}, text for {@code :string}/{@code :ustring}. */
    private static List<EventFormat.Field> fetchFields(String[] parts) {
        List<EventFormat.Field> fields = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            String name = eq > 0 ? parts[i].substring(0, eq) : "arg" + i;
            boolean text = parts[i].endsWith(":string") || parts[i].endsWith(":ustring");
            fields.add(text ? EventFormat.Field.string(name) : EventFormat.Field.number("u64", name, 8, false));
        }
        return fields;
    }

    /** The early API's probe strings: {@code tp:syscalls}, {@code tp:sched:sched_switch}, {@code id:N}, EVENTDEFs. */
    private Matcher dynamicMatcher(String spec) {
        if (spec.startsWith("id:")) {
            long id = Long.parseLong(spec.substring(3));
            return e -> e.format().id() == id;
        }
        if (spec.startsWith("probe:/")) {
            return uprobe(spec, spec.contains("%return"));
        }
        if (spec.startsWith("probe:")) {
            return kprobe(spec, spec.contains("%return"));
        }
        if (spec.startsWith("sdt:")) {
            return sdt(spec);
        }
        if (spec.equals("ftrace:function")) {
            return e -> e.format().qualifiedName().equals("ftrace:function");
        }
        if (!spec.matches("(tp:)?[A-Za-z0-9_*?]+(:[A-Za-z0-9_*?]+)?")) {
            throw new IllegalArgumentException("not a probe");
        }
        return tracepoint(spec);
    }

    /** The event a timer handler sees: its name is the timer ({@code tick-1s}); it has no fields. */
    private static final class TimerEvent implements TraceEvent {
        private final String spec;
        private final SimTask task;
        private final int cpu;
        private final long time;

        TimerEvent(String spec, SimTask task, int cpu, long time) {
            this.spec = spec;
            this.task = task;
            this.cpu = cpu;
            this.time = time;
        }

        @Override
        public KString name() {
            return KString.of(spec);
        }

        @Override
        public KString text() {
            return KString.of(String.format("%16s-%-7d [%03d] d.h1. %5d.%06d: %s", task.comm(), task.tid(), cpu,
                    time / 1_000_000_000L, time % 1_000_000_000L / 1000, spec));
        }

        @Override
        public int fieldCount() {
            return 0;
        }

        @Override
        public void field(int i, Object[] ref, long[] num, int o) {
            ref[o] = null;
        }

        @Override
        public int fieldIndex(KString name) {
            return 0;
        }

        @Override
        public boolean isSyscallEnter() {
            return false;
        }
    }

    /** For tests of the VM: the loaded program's table {@code name} as the VM holds it. */
    KTable rawTable(String name) {
        return vm.globalValue(name) instanceof KTable t ? t : null;
    }
}
