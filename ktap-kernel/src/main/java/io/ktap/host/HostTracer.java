package io.ktap.host;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.ktap.host.internal.CommandLauncher;
import io.ktap.host.internal.Errno;
import io.ktap.host.internal.LibC;
import io.ktap.host.internal.Perf;
import io.ktap.host.internal.PerfEventAttr;
import io.ktap.host.internal.RingReader;
import io.ktap.host.internal.SampleLayout;
import io.ktap.host.internal.Sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Traces this host through the kernel's own perf events: tracepoints, uprobes/uretprobes and
 * kprobes (created in tracefs and removed on close), and CPU-clock profiling, read from one mmap'd
 * ring per CPU.
 *
 * <pre>{@code
 * try (HostTracer tracer = HostTracer.open(HostOptions.process(pid))) {
 *     for (EventRef e : tracer.tracefs().resolve("syscalls:sys_enter_*")) tracer.attachTracepoint(e, null);
 *     tracer.start();
 *     while (!tracer.targetExited()) tracer.poll(Duration.ofMillis(100), handler);
 *     tracer.finish(handler);
 * }
 * }</pre>
 *
 * <h2>Rings and events</h2>
 * Each traced CPU has one ring, anchored on a software dummy event of that CPU; every event opened
 * on that CPU (per task and CPU, or CPU-wide) is redirected into it with
 * {@code PERF_EVENT_IOC_SET_OUTPUT}. Samples carry {@code PERF_SAMPLE_IDENTIFIER}, so the reader
 * maps each to its {@link AttachedEvent} with one hash lookup. Timestamps are CLOCK_MONOTONIC.
 * Per-task events ({@link HostOptions#process}, {@link HostOptions#command}) are opened for every
 * thread of the process on every traced CPU with {@code inherit}, so children and new threads are
 * traced too (the kernel refuses to mmap inherited events that are not per CPU).
 *
 * <h2>Threads</h2>
 * {@link #poll} and {@link #finish} run on one consumer thread at a time; {@link #wakeup()} may be
 * called from any thread to end a blocked poll early; {@link #close()} waits for a poll in progress
 * (call {@link #wakeup()} first to make that quick).
 */
public final class HostTracer implements AutoCloseable {
    private static final int EPOLL_MAX_EVENTS = 64;
    private static final long WAKEUP_TOKEN = -1L;

    private final HostOptions options;
    private final Tracefs tracefs;
    private final ProbeEvents probes;
    private final ProbeEvents.StaleCleanup staleCleanup;
    private final List<Integer> cpus;
    private final List<CpuRing> rings = new ArrayList<>();
    /** With {@link HostOptions#trackComm}: one small ring per CPU for PERF_RECORD_COMM only. */
    private final List<CpuRing> commRings = new ArrayList<>();
    private final CommOnly commOnly = new CommOnly();
    private final List<Attachment> attachments = new ArrayList<>();
    private final List<AttachedEvent> events = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final RecordDispatcher dispatcher = new RecordDispatcher();
    private final int[] drainCount = new int[1];
    private final boolean formatLost;
    private CommandLauncher launcher;
    private int[] targetThreads;
    private int epollFd = -1;
    private int wakeupFd = -1;
    private Memory epollEvents;
    private Memory eventfdBuffer;
    private int liveTaskFds;
    private boolean started;
    private boolean finished;
    private boolean closed;

    /** One CPU's ring. */
    private static final class CpuRing {
        final int cpu;
        final int anchorFd;
        final Sys.MappedRegion region;
        final RingReader reader;
        long lostReported;

        CpuRing(int cpu, int anchorFd, Sys.MappedRegion region, RingReader reader) {
            this.cpu = cpu;
            this.anchorFd = anchorFd;
            this.region = region;
            this.reader = reader;
        }
    }

    /** One attached event's descriptors, one per (task, CPU). */
    private static final class Attachment {
        final AttachedEvent event;
        final SampleLayout layout;
        final List<int[]> fds = new ArrayList<>();   // {fd, ring index, per-task ? 1 : 0}

        Attachment(AttachedEvent event, SampleLayout layout) {
            this.event = event;
            this.layout = layout;
        }
    }

    private HostTracer(HostOptions options, Tracefs tracefs, ProbeEvents probes, ProbeEvents.StaleCleanup stale,
                       List<Integer> cpus, boolean formatLost) {
        this.options = options;
        this.tracefs = tracefs;
        this.probes = probes;
        this.staleCleanup = stale;
        this.cpus = cpus;
        this.formatLost = formatLost;
    }

    /**
     * Opens a tracer: finds tracefs, removes probe events left by crashed ktap processes, maps one
     * ring per traced CPU, and for {@link HostOptions#command} starts the command held before exec.
     * Nothing is traced until events are attached and {@link #start()} is called.
     */
    public static HostTracer open(HostOptions options) throws HostException {
        HostSupport.ensureAvailable();
        Tracefs tracefs = Tracefs.open();
        ProbeEvents.StaleCleanup stale = ProbeEvents.removeStale(tracefs);
        List<Integer> online = HostSupport.onlineCpus();
        List<Integer> cpus;
        if (options.cpu() >= 0) {
            if (!online.contains(options.cpu())) {
                throw new HostException("cpu " + options.cpu() + " is not online (online: " + online + ")");
            }
            cpus = List.of(options.cpu());
        } else {
            cpus = online;
        }
        HostTracer tracer = new HostTracer(options, tracefs, ProbeEvents.forCurrentProcess(tracefs), stale, cpus,
                probeFormatLost(cpus.get(0)));
        try {
            tracer.setUp();
        } catch (HostException | RuntimeException e) {
            tracer.close();
            throw e;
        }
        return tracer;
    }

    private static boolean probeFormatLost(int cpu) {
        PerfEventAttr attr = new PerfEventAttr(Perf.TYPE_SOFTWARE, Perf.COUNT_SW_DUMMY)
                .flags(Perf.FLAG_DISABLED).readFormat(Perf.FORMAT_LOST);
        try {
            Sys.closeQuietly(Sys.perfEventOpen(attr, -1, cpu, -1, Perf.FLAG_FD_CLOEXEC));
            return true;
        } catch (HostException e) {
            return false;  // Linux < 6.0: lost samples are known only from PERF_RECORD_LOST.
        }
    }

    private void setUp() throws HostException {
        try {
            epollFd = LibC.epoll_create1(Sys.EPOLL_CLOEXEC);
            wakeupFd = LibC.eventfd(0, Sys.EFD_CLOEXEC | Sys.EFD_NONBLOCK);
        } catch (LastErrorException e) {
            throw new HostException("cannot create epoll/eventfd: " + Errno.describe(e.getErrorCode()), e.getErrorCode(), e);
        }
        epollEvents = new Memory((long) EPOLL_MAX_EVENTS * Sys.EPOLL_EVENT_SIZE);
        eventfdBuffer = new Memory(8);
        epollAdd(wakeupFd, WAKEUP_TOKEN);
        long pageSize = LibC.sysconf(Sys.SC_PAGESIZE);
        long length = pageSize * (1 + options.ringPages());
        for (int cpu : cpus) {
            int fd = Sys.perfEventOpen(baseAttr(Perf.TYPE_SOFTWARE, Perf.COUNT_SW_DUMMY, false), -1, cpu, -1,
                    Perf.FLAG_FD_CLOEXEC);
            Sys.MappedRegion region;
            try {
                region = Sys.mmap(fd, length);
            } catch (HostException e) {
                Sys.closeQuietly(fd);
                throw e;
            }
            rings.add(new CpuRing(cpu, fd, region, new RingReader(region.buffer(), (int) pageSize)));
            epollAdd(fd, fd);
            if (options.trackComm()) {
                // Task names go to a ring of their own, so that a full sample ring drops samples
                // only and its lost count stays the number of samples lost.
                PerfEventAttr comm = baseAttr(Perf.TYPE_SOFTWARE, Perf.COUNT_SW_DUMMY, false);
                comm.flags(comm.flags() | Perf.FLAG_COMM | Perf.FLAG_COMM_EXEC);
                int commFd = Sys.perfEventOpen(comm, -1, cpu, -1, Perf.FLAG_FD_CLOEXEC);
                Sys.MappedRegion commRegion;
                try {
                    commRegion = Sys.mmap(commFd, pageSize * (1 + COMM_RING_PAGES));
                } catch (HostException e) {
                    Sys.closeQuietly(commFd);
                    throw e;
                }
                commRings.add(new CpuRing(cpu, commFd, commRegion, new RingReader(commRegion.buffer(), (int) pageSize)));
            }
        }
        switch (options.target()) {
            case SYSTEM_WIDE -> targetThreads = new int[] {-1};
            case PROCESS -> targetThreads = threadsOf(options.pid());
            case COMMAND -> {
                launcher = CommandLauncher.start(options.commandBuilder().orElseThrow());
                targetThreads = new int[] {(int) launcher.process().pid()};
            }
            default -> throw new IllegalStateException();
        }
    }

    private static int[] threadsOf(int pid) throws HostException {
        Path tasks = Path.of("/proc", Integer.toString(pid), "task");
        try (Stream<Path> list = Files.list(tasks)) {
            int[] tids = list.mapToInt(p -> Integer.parseInt(p.getFileName().toString())).sorted().toArray();
            if (tids.length == 0) {
                throw new HostException("process " + pid + " has no threads");
            }
            return tids;
        } catch (IOException e) {
            throw new HostException("no process " + pid + " (cannot list " + tasks + ")", Errno.ESRCH, e);
        }
    }

    private PerfEventAttr baseAttr(int type, long config, boolean sampling) {
        long flags = Perf.FLAG_DISABLED;
        long sampleType = Perf.SAMPLE_IDENTIFIER;
        PerfEventAttr attr = new PerfEventAttr(type, config);
        if (sampling) {
            boolean perTask = options.target() != HostOptions.TargetKind.SYSTEM_WIDE;
            if (perTask) {
                flags |= Perf.FLAG_INHERIT;
                if (options.target() == HostOptions.TargetKind.COMMAND && !started) {
                    flags |= Perf.FLAG_ENABLE_ON_EXEC;
                }
            }
            sampleType |= Perf.SAMPLE_TID | Perf.SAMPLE_TIME | Perf.SAMPLE_CPU;
            if (options.sampleIp()) {
                sampleType |= Perf.SAMPLE_IP;
            }
            if (options.callchainDepth() > 0) {
                sampleType |= Perf.SAMPLE_CALLCHAIN;
                attr.sampleMaxStack(options.callchainDepth());
            }
            int wakeup;
            if (options.wakeupEvents() > 0) {
                wakeup = options.wakeupEvents();
            } else {
                flags |= Perf.FLAG_WATERMARK;
                int ringBytes = rings.isEmpty() ? 4096 : rings.get(0).reader.dataSize();
                wakeup = options.wakeupWatermark() > 0 ? Math.min(options.wakeupWatermark(), ringBytes) : ringBytes / 4;
            }
            attr.wakeup(wakeup);
            if (formatLost) {
                attr.readFormat(Perf.FORMAT_LOST);
            }
        }
        attr.sampleType(sampleType).flags(flags).clockId(Perf.CLOCK_MONOTONIC);
        return attr;
    }

    /** The tracefs this tracer uses (to resolve globs and read formats). */
    public Tracefs tracefs() {
        return tracefs;
    }

    /** Probe events removed at open because their ktap process had died. */
    public ProbeEvents.StaleCleanup staleCleanup() {
        return staleCleanup;
    }

    /** The tracefs group this tracer's probe events are created in ({@code ktap_<pid>_<starttime>}). */
    public String probeGroup() {
        return probes.group();
    }

    /** The CPUs traced, one ring each. */
    public List<Integer> cpus() {
        return List.copyOf(cpus);
    }

    /** The process started for {@link HostOptions#command}. */
    public Optional<Process> command() {
        return launcher == null ? Optional.empty() : Optional.of(launcher.process());
    }

    /** Every event attached so far, by {@link AttachedEvent#index()}. */
    public List<AttachedEvent> events() {
        lock.lock();
        try {
            return List.copyOf(events);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Attaches a tracepoint (or any tracefs event): one perf event per traced task and CPU,
     * sampling every hit with its raw record.
     *
     * @param filter a kernel event filter ({@code common_pid == 42 && flags & 1}), or null
     */
    public AttachedEvent attachTracepoint(EventRef event, String filter) throws HostException {
        EventFormat format = tracefs.format(event);
        return attach(AttachedEvent.Kind.TRACEPOINT, event.toString(), format, null, filter);
    }

    /**
     * Creates a uprobe (or uretprobe) in tracefs on a function of a binary and attaches it.
     *
     * @param binary    the executable or shared object
     * @param location  {@code symbol}, {@code symbol+offset} or a virtual address {@code 0x...}
     * @param ret       a return probe (uretprobe)
     * @param fetchArgs uprobe_events fetch arguments ({@code ret=$retval:s32}, {@code a=%di:u64});
     *                  for a return probe without any, {@code ret=$retval:s64} is added
     * @param filter    a kernel event filter on the fetched arguments, or null
     */
    public AttachedEvent attachUprobe(Path binary, String location, boolean ret, List<String> fetchArgs, String filter)
            throws HostException {
        Path real;
        try {
            real = binary.toRealPath();
        } catch (IOException e) {
            throw new HostException("no such binary: " + binary, e);
        }
        ElfFile elf = ElfFile.open(real);
        long vaddr;
        String nameHint;
        String loc = location.strip();
        if (loc.startsWith("0x") || loc.startsWith("0X")) {
            vaddr = parseOffset(loc, location);
            nameHint = "addr_" + Long.toHexString(vaddr);
        } else {
            int plus = loc.indexOf('+');
            String symbol = plus < 0 ? loc : loc.substring(0, plus).strip();
            long extra = plus < 0 ? 0 : parseOffset(loc.substring(plus + 1).strip(), location);
            ElfFile.Symbol sym = elf.function(symbol).orElseThrow(() ->
                    new HostException("no function '" + symbol + "' in the symbol tables of " + real));
            vaddr = sym.value() + extra;
            nameHint = symbol;
        }
        long offset = elf.fileOffset(vaddr).orElseThrow(() ->
                new HostException("address 0x" + Long.toHexString(vaddr) + " of '" + location
                        + "' is in no loadable segment of " + real));
        List<String> args = ret && fetchArgs.isEmpty() ? List.of("ret=$retval:s64") : fetchArgs;
        ProbeEvents.Created created = probes.createUprobe(ret, real, offset, nameHint, args);
        return attachCreated(created, ret ? AttachedEvent.Kind.URETPROBE : AttachedEvent.Kind.UPROBE, filter);
    }

    /**
     * Creates a uprobe at a file offset of a binary and attaches it: the form SDT markers need.
     *
     * @param refCtrOffset the file offset of the marker's semaphore (a 16-bit counter the kernel
     *                     increments while the probe is attached), or 0 when it has none
     * @param nameHint     used to name the event
     */
    public AttachedEvent attachUprobeAt(Path binary, long fileOffset, long refCtrOffset, String nameHint, boolean ret,
                                        List<String> fetchArgs, String filter) throws HostException {
        Path real;
        try {
            real = binary.toRealPath();
        } catch (IOException e) {
            throw new HostException("no such binary: " + binary, e);
        }
        ProbeEvents.Created created = probes.createUprobe(ret, real, fileOffset, refCtrOffset, nameHint, fetchArgs);
        return attachCreated(created, ret ? AttachedEvent.Kind.URETPROBE : AttachedEvent.Kind.UPROBE, filter);
    }

    /**
     * Creates a kprobe (or kretprobe) in tracefs and attaches it. On kernels without kprobe events
     * (like a kernel built without CONFIG_KPROBE_EVENTS) this fails with a message saying so.
     */
    public AttachedEvent attachKprobe(String symbol, long offset, boolean ret, List<String> fetchArgs, String filter)
            throws HostException {
        ProbeEvents.Created created = probes.createKprobe(ret, symbol, offset, symbol, fetchArgs);
        return attachCreated(created, ret ? AttachedEvent.Kind.KRETPROBE : AttachedEvent.Kind.KPROBE, filter);
    }

    private AttachedEvent attachCreated(ProbeEvents.Created created, AttachedEvent.Kind kind, String filter)
            throws HostException {
        try {
            EventFormat format = tracefs.format(created.event());
            return attach(kind, created.event().toString(), format, created.definition(), filter);
        } catch (HostException | RuntimeException e) {
            try {
                probes.remove(created.event());
            } catch (HostException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Attaches CPU-clock sampling ({@code profile-N}): a sample every {@code period} of CPU time
     * on each traced CPU (or of the target's CPU time, for per-task targets).
     */
    public AttachedEvent attachProfile(Duration period) throws HostException {
        long nanos = period.toNanos();
        if (nanos < 10_000) {
            throw new HostException("profile period " + period + " is below the 10us the kernel allows");
        }
        return attach(AttachedEvent.Kind.PROFILE, "profile-" + nanos + "ns", null, null, null, Perf.TYPE_SOFTWARE,
                Perf.COUNT_SW_CPU_CLOCK, nanos);
    }

    /**
     * Attaches a perf hardware or software event, or a hardware breakpoint, by its resolved
     * {@link io.ktap.bytecode.CounterAttr} words: one counter per traced task and CPU, each
     * sample carrying the instruction pointer (and, sampling at a frequency, the period: a fixed
     * period is the attr's).
     *
     * @param name the event's name ({@code perf:cycles}, {@code mem:0x601040/4:w})
     * @throws HostException when the kernel refuses it (errno kept: ENOENT for a hardware event
     *                       without a PMU, ENOSPC without a free debug register...)
     */
    public AttachedEvent attachCounter(String name, io.ktap.bytecode.ProbeKind kind, List<Long> words)
            throws HostException {
        String problem = io.ktap.bytecode.CounterAttr.check(kind, words);
        if (problem != null || words.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + (problem != null ? problem : "unresolved"));
        }
        if (kind == io.ktap.bytecode.ProbeKind.BREAKPOINT) {
            return attach(AttachedEvent.Kind.BREAKPOINT, name, null, null, null, Perf.TYPE_BREAKPOINT, 0, 1,
                    attr -> attr.bpAddr(words.get(0)).bpLen(words.get(1)).bpType(words.get(2).intValue())
                            .sampleType(attr.sampleType() | Perf.SAMPLE_IP));
        }
        boolean freq = words.get(3) == 1;
        return attach(AttachedEvent.Kind.PERF_EVENT, name, null, null, null, words.get(0).intValue(), words.get(1),
                words.get(2), attr -> {
                    // With PERF_SAMPLE_PERIOD and a fixed period a software event samples every
                    // occurrence (perf_swevent_event): ask for the period only when it varies.
                    attr.sampleType(attr.sampleType() | Perf.SAMPLE_IP | (freq ? Perf.SAMPLE_PERIOD : 0));
                    if (freq) {
                        attr.flags(attr.flags() | Perf.FLAG_FREQ);
                    }
                });
    }

    private AttachedEvent attach(AttachedEvent.Kind kind, String name, EventFormat format, String definition,
                                 String filter) throws HostException {
        return attach(kind, name, format, definition, filter, Perf.TYPE_TRACEPOINT, format.id(), 1);
    }

    private AttachedEvent attach(AttachedEvent.Kind kind, String name, EventFormat format, String definition,
                                 String filter, int type, long config, long period) throws HostException {
        return attach(kind, name, format, definition, filter, type, config, period, attr -> { });
    }

    private AttachedEvent attach(AttachedEvent.Kind kind, String name, EventFormat format, String definition,
                                 String filter, int type, long config, long period,
                                 java.util.function.Consumer<PerfEventAttr> customize) throws HostException {
        lock.lock();
        try {
            ensureOpen();
            if (finished) {
                throw new IllegalStateException("tracer finished");
            }
            PerfEventAttr attr = baseAttr(type, config, true).samplePeriod(period);
            customize.accept(attr);
            if (format != null) {
                attr.sampleType(attr.sampleType() | Perf.SAMPLE_RAW);
                if (format.system().equals("ftrace") && format.name().equals("function")) {
                    // The kernel refuses user callchains on the function event (EINVAL otherwise).
                    attr.flags(attr.flags() | Perf.FLAG_EXCLUDE_CALLCHAIN_USER);
                }
            }
            AttachedEvent event = new AttachedEvent(events.size(), kind, name, format, definition);
            Attachment a = new Attachment(event, new SampleLayout(attr.sampleType()));
            List<Long> ids = new ArrayList<>();
            boolean perTask = options.target() != HostOptions.TargetKind.SYSTEM_WIDE;
            try {
                for (int r = 0; r < rings.size(); r++) {
                    CpuRing ring = rings.get(r);
                    for (int tid : targetThreads) {
                        int fd = Sys.perfEventOpen(attr, tid, ring.cpu, -1, Perf.FLAG_FD_CLOEXEC);
                        a.fds.add(new int[] {fd, r, perTask ? 1 : 0});
                        Sys.ioctl(fd, Perf.IOC_SET_OUTPUT, ring.anchorFd, "redirecting " + name + " to the cpu "
                                + ring.cpu + " ring");
                        if (filter != null && !filter.isBlank()) {
                            Sys.setFilter(fd, filter);
                        }
                        ids.add(Sys.eventId(fd));
                    }
                }
                if (started) {
                    for (int[] fd : a.fds) {
                        Sys.ioctl(fd[0], Perf.IOC_ENABLE, 0, "enabling " + name);
                    }
                }
                for (int[] fd : a.fds) {
                    if (fd[2] == 1) {
                        epollAdd(fd[0], fd[0]);
                        liveTaskFds++;
                    }
                }
            } catch (HostException | RuntimeException e) {
                for (int[] fd : a.fds) {
                    Sys.closeQuietly(fd[0]);
                }
                throw e;
            }
            for (long id : ids) {
                dispatcher.register(id, event, a.layout);
            }
            attachments.add(a);
            events.add(event);
            return event;
        } finally {
            lock.unlock();
        }
    }

    private static long parseOffset(String text, String location) throws HostException {
        try {
            return text.startsWith("0x") || text.startsWith("0X") ? Long.parseUnsignedLong(text.substring(2), 16)
                    : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new HostException("bad offset '" + text + "' in probe location '" + location + "'", e);
        }
    }

    /**
     * Starts tracing: enables every attached event at once, or, for a command target, lets the
     * command exec (its events enable themselves at that exec). Events attached later are enabled
     * as they are attached. Idempotent.
     */
    public void start() throws HostException {
        lock.lock();
        try {
            ensureOpen();
            if (started) {
                return;
            }
            started = true;
            for (CpuRing ring : commRings) {
                Sys.ioctl(ring.anchorFd, Perf.IOC_ENABLE, 0, "enabling the cpu " + ring.cpu + " comm tracking");
            }
            if (launcher != null) {
                launcher.release();
            } else {
                for (Attachment a : attachments) {
                    for (int[] fd : a.fds) {
                        Sys.ioctl(fd[0], Perf.IOC_ENABLE, 0, "enabling " + a.event.name());
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Delivers what the rings hold; if they are empty, waits up to {@code timeout} for data (one
     * epoll_wait for the whole batch, no native call per record) and delivers what arrived.
     *
     * @return the number of records consumed (samples and lost-sample reports)
     */
    public int poll(Duration timeout, SampleHandler handler) throws HostException {
        lock.lock();
        try {
            ensureOpen();
            int n = drainAll(handler);
            if (n > 0 || timeout.isZero() || timeout.isNegative()) {
                return n;
            }
            waitForData(timeout);
            return drainAll(handler);
        } finally {
            lock.unlock();
        }
    }

    private void waitForData(Duration timeout) throws HostException {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        int ready;
        try {
            ready = LibC.epoll_wait(epollFd, Pointer.nativeValue(epollEvents), EPOLL_MAX_EVENTS, millis);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EINTR) {
                return;
            }
            throw new HostException("epoll_wait failed: " + Errno.describe(e.getErrorCode()), e.getErrorCode(), e);
        }
        int dataOffset = Sys.EPOLL_EVENT_SIZE == 12 ? 4 : 8;
        for (int i = 0; i < ready; i++) {
            long base = (long) i * Sys.EPOLL_EVENT_SIZE;
            int flags = epollEvents.getInt(base);
            long token = epollEvents.getLong(base + dataOffset);
            if (token == WAKEUP_TOKEN) {
                try {
                    LibC.read(wakeupFd, Pointer.nativeValue(eventfdBuffer), 8);
                } catch (LastErrorException ignored) {
                    // EAGAIN: another wakeup was consumed already.
                }
            } else if ((flags & (Sys.EPOLLHUP | Sys.EPOLLERR)) != 0) {
                // A per-task event whose task (and inherited children) exited: level-triggered
                // HUP would report forever, so stop watching it. Its samples are in the ring.
                epollDel((int) token);
                if (isTaskFd((int) token)) {
                    liveTaskFds--;
                }
            }
        }
    }

    private boolean isTaskFd(int fd) {
        for (Attachment a : attachments) {
            for (int[] f : a.fds) {
                if (f[0] == fd) {
                    return f[2] == 1;
                }
            }
        }
        return false;
    }

    private int drainAll(SampleHandler handler) {
        int[] records = drainCount;
        records[0] = 0;
        if (!commRings.isEmpty()) {
            commOnly.target = handler;
            int[] ignored = new int[1];
            long samplesLost = dispatcher.lost;
            for (CpuRing ring : commRings) {
                dispatcher.drain(ring.reader, ring.cpu, commOnly, ignored);
            }
            dispatcher.lost = samplesLost;
            commOnly.target = null;
        }
        for (CpuRing ring : rings) {
            try {
                dispatcher.drain(ring.reader, ring.cpu, handler, records);
            } finally {
                ring.lostReported += dispatcher.lastDrainLost();
            }
        }
        return records[0];
    }

    /** Ends a {@link #poll} blocked in another thread. Safe from any thread, also after close. */
    public void wakeup() {
        int fd = wakeupFd;
        if (fd < 0) {
            return;
        }
        try (Memory one = new Memory(8)) {
            one.setLong(0, 1);
            LibC.write(fd, Pointer.nativeValue(one), 8);
        } catch (LastErrorException ignored) {
            // EAGAIN: the counter is already non-zero, a wakeup is pending.
        }
    }

    /**
     * Whether the traced process (and every child it forked) has exited, as the kernel reports
     * on the per-task events; always false for system-wide tracing. Updated by {@link #poll}.
     */
    public boolean targetExited() {
        lock.lock();
        try {
            return options.target() != HostOptions.TargetKind.SYSTEM_WIDE && started && !attachments.isEmpty()
                    && liveTaskFds == 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * How often an event fired in its targets and how many of its samples the kernel dropped,
     * read from the events' counters (no ring involved).
     *
     * @param hits the number of times the event fired (all samples, delivered or lost)
     * @param lost samples dropped because the ring was full (-1 when the kernel cannot say: before 6.0)
     */
    public record EventCounts(long hits, long lost) {
    }

    /** Reads an event's counters. Inherited children count once they have exited. */
    public EventCounts counts(AttachedEvent event) throws HostException {
        lock.lock();
        try {
            ensureOpen();
            Attachment a = attachments.get(event.index());
            if (a.event != event) {
                throw new IllegalArgumentException(event + " is not attached to this tracer");
            }
            long hits = 0;
            long lostSamples = formatLost ? 0 : -1;
            for (int[] fd : a.fds) {
                long[] values = Sys.readLongs(fd[0], formatLost ? 2 : 1);
                hits += values[0];
                if (formatLost) {
                    lostSamples += values[1];
                }
            }
            return new EventCounts(hits, lostSamples);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends tracing: disables every event, delivers every record left in the rings, then reports
     * samples the kernel dropped that no PERF_RECORD_LOST has announced yet (the kernel writes
     * that record only when it next writes to the ring, which may be never). After this,
     * received + reported lost == fired, per ring. Idempotent; {@link #poll} returns 0 after it.
     *
     * @return the number of records delivered
     */
    public int finish(SampleHandler handler) throws HostException {
        lock.lock();
        try {
            ensureOpen();
            if (finished) {
                return 0;
            }
            for (Attachment a : attachments) {
                for (int[] fd : a.fds) {
                    Sys.ioctl(fd[0], Perf.IOC_DISABLE, 0, "disabling " + a.event.name());
                }
            }
            int n = drainAll(handler);
            if (formatLost) {
                long[] perRing = new long[rings.size()];
                for (Attachment a : attachments) {
                    for (int[] fd : a.fds) {
                        perRing[fd[1]] += Sys.readLongs(fd[0], 2)[1];
                    }
                }
                for (int r = 0; r < rings.size(); r++) {
                    CpuRing ring = rings.get(r);
                    long unreported = perRing[r] - ring.lostReported;
                    if (unreported > 0) {
                        ring.lostReported += unreported;
                        dispatcher.lost += unreported;
                        handler.onLost(ring.cpu, unreported);
                    }
                }
            }
            finished = true;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Totals since open.
     *
     * @param samples        samples delivered
     * @param lost           samples reported lost
     * @param unknownSamples samples whose event id was not ours (should stay 0)
     * @param otherRecords   other ring records (throttling), ignored
     * @param corruptions    malformed headers that made a ring skip ahead (should stay 0)
     * @param commLost       task-name records the kernel dropped (their ring was full)
     */
    public record Stats(long samples, long lost, long unknownSamples, long otherRecords, long corruptions,
                        long commLost) {
    }

    public Stats stats() {
        lock.lock();
        try {
            long corrupt = 0;
            for (CpuRing r : rings) {
                corrupt += r.reader.corruptions();
            }
            return new Stats(dispatcher.samples, dispatcher.lost, dispatcher.unknownSamples, dispatcher.otherRecords,
                    corrupt, commOnly.lost);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes every perf event, unmaps the rings, removes the probe events this tracer created, and
     * kills a command that was never started. A started command keeps running. Idempotent.
     */
    @Override
    public void close() throws HostException {
        wakeup();
        lock.lock();
        List<String> failures = new ArrayList<>();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Attachment a : attachments) {
                for (int[] fd : a.fds) {
                    Sys.closeQuietly(fd[0]);
                }
            }
            for (CpuRing ring : rings) {
                ring.region.unmap();
                Sys.closeQuietly(ring.anchorFd);
            }
            for (CpuRing ring : commRings) {
                ring.region.unmap();
                Sys.closeQuietly(ring.anchorFd);
            }
            Sys.closeQuietly(epollFd);
            int wfd = wakeupFd;
            wakeupFd = -1;
            Sys.closeQuietly(wfd);
            epollFd = -1;
            if (epollEvents != null) {
                epollEvents.close();
                eventfdBuffer.close();
            }
            if (launcher != null) {
                launcher.close();
            }
            failures.addAll(probes.removeAll());
        } finally {
            lock.unlock();
        }
        if (!failures.isEmpty()) {
            throw new HostException("could not remove probe events: " + String.join("; ", failures));
        }
    }

    /** Data pages of each task-name ring: names change rarely (exec, prctl). */
    private static final int COMM_RING_PAGES = 8;

    /**
     * What a task-name ring delivers: names to the handler; its own losses (names, not samples)
     * are counted apart ({@link Stats#commLost()}), never reported as lost samples.
     */
    private static final class CommOnly implements SampleHandler {
        SampleHandler target;
        long lost;

        @Override
        public void onSample(SampleView sample) {
            // A task-name ring holds no samples.
        }

        @Override
        public void onLost(int cpu, long count) {
            lost += count;
        }

        @Override
        public void onComm(int cpu, int pid, int tid, String comm, boolean exec) {
            target.onComm(cpu, pid, tid, comm, exec);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("tracer closed");
        }
    }

    private void epollAdd(int fd, long token) throws HostException {
        try (Memory ev = new Memory(Sys.EPOLL_EVENT_SIZE)) {
            ev.clear();
            ev.setInt(0, Sys.EPOLLIN);
            ev.setLong(Sys.EPOLL_EVENT_SIZE == 12 ? 4 : 8, token);
            LibC.epoll_ctl(epollFd, Sys.EPOLL_CTL_ADD, fd, Pointer.nativeValue(ev));
        } catch (LastErrorException e) {
            throw new HostException("epoll_ctl(ADD) failed: " + Errno.describe(e.getErrorCode()), e.getErrorCode(), e);
        }
    }

    private void epollDel(int fd) {
        try {
            LibC.epoll_ctl(epollFd, Sys.EPOLL_CTL_DEL, fd, 0);
        } catch (LastErrorException ignored) {
            // Already gone.
        }
    }

    @Override
    public String toString() {
        return "HostTracer[" + options + ", " + Collections.unmodifiableList(events) + "]";
    }
}
