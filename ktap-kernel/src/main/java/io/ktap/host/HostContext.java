package io.ktap.host;

import io.ktap.host.internal.Perf;
import io.ktap.vm.KString;
import io.ktap.vm.KernelContext;
import io.ktap.vm.KtapError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What the kernel-only builtins read on the host backend: the values of the perf sample being
 * handled (pid, tid, CPU, time, the callchain of {@code print_backtrace}, the irq flags of
 * {@code in_interrupt}), task names from {@link TaskNames}, kernel symbols from
 * {@code /proc/kallsyms}, and user memory of the sampled process through {@code process_vm_readv}.
 *
 * <p>What only code inside the kernel can read is a runtime error that says so, never a made-up
 * value: {@code kernel_string}, {@code curr_task_info}, {@code in_iowait} and the socket
 * addresses of the net library. Timer handlers ({@code tick-N}) run in the ktap process, so there
 * {@code pid}, {@code execname}... are ktap's own.
 */
final class HostContext implements KernelContext, AutoCloseable {

    // common_flags bits (enum trace_flag_type, kernel/trace/trace.h)
    static final int FLAG_IRQS_OFF = 0x01;
    static final int FLAG_NEED_RESCHED_LAZY = 0x02;
    static final int FLAG_NEED_RESCHED = 0x04;
    static final int FLAG_HARDIRQ = 0x08;
    static final int FLAG_SOFTIRQ = 0x10;
    static final int FLAG_PREEMPT_RESCHED = 0x20;
    static final int FLAG_NMI = 0x40;

    private final TaskNames tasks;
    private final ProcessMemory memory = new ProcessMemory();
    private final int numCpus;
    private final KString arch;
    private final KString release;
    private final int selfPid;
    private Kallsyms kallsyms;

    // The sample being handled (view null: a timer).
    private SampleView view;
    private EventShape shape;
    private int pid;
    private int tid;
    private int cpu;
    private long time;

    HostContext(TaskNames tasks, int numCpus, int selfPid) {
        this.tasks = tasks;
        this.numCpus = numCpus;
        this.selfPid = selfPid;
        this.arch = KString.of(machine());
        this.release = KString.of(readTrimmed(Path.of("/proc/sys/kernel/osrelease"), "unknown"));
    }

    /** The handlers that follow run for {@code sample}, an event of {@code eventShape}. */
    void enterSample(SampleView sample, EventShape eventShape) {
        this.view = sample;
        this.shape = eventShape;
        this.pid = sample.pid();
        this.tid = sample.tid();
        this.cpu = sample.cpu();
        this.time = sample.time();
    }

    /** The handlers that follow run for a userspace timer, in the ktap process, at {@code now}. */
    void enterTimer(int timerCpu, long now) {
        this.view = null;
        this.shape = null;
        this.pid = selfPid;
        this.tid = selfPid;
        this.cpu = timerCpu;
        this.time = now;
    }

    /** Outside any handler (main chunk, end blocks): the ktap process, now. */
    void leave() {
        this.view = null;
        this.shape = null;
        this.pid = selfPid;
        this.tid = selfPid;
        this.cpu = 0;
        this.time = 0;
    }

    TaskNames tasks() {
        return tasks;
    }

    /** The kernel symbols, read on first use. */
    Kallsyms kallsyms() {
        if (kallsyms == null) {
            kallsyms = Kallsyms.load(Path.of("/proc/kallsyms"));
        }
        return kallsyms;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public int tid() {
        return tid;
    }

    @Override
    public int uid() {
        int u = tasks.uid(pid);
        if (u < 0) {
            throw new KtapError("uid: process " + pid + " has exited; the host backend reads uids from /proc");
        }
        return u;
    }

    @Override
    public KString execname() {
        return tasks.comm(pid, tid);
    }

    @Override
    public int cpu() {
        return cpu;
    }

    @Override
    public int numCpus() {
        return numCpus;
    }

    @Override
    public KString arch() {
        return arch;
    }

    @Override
    public KString kernelVersion() {
        return release;
    }

    @Override
    public byte[] userString(long addr, int max) {
        return memory.string(pid, addr, max);
    }

    @Override
    public byte[] kernelString(long addr, int max) {
        throw new KtapError("kernel_string: the host backend cannot read kernel memory (that needs the ktapvm module"
                + " and the kernel backend)");
    }

    /** The kernel part of the sample's callchain, innermost first (empty without a callchain). */
    @Override
    public long[] kernelStack() {
        if (view == null || view.callchainDepth() == 0) {
            return new long[0];
        }
        int depth = view.callchainDepth();
        long[] out = new long[depth];
        int n = 0;
        boolean kernel = true;
        for (int i = 0; i < depth; i++) {
            long ip = view.callchainIp(i);
            if (Long.compareUnsigned(ip, Perf.CONTEXT_MAX) >= 0) {
                kernel = ip == Perf.CONTEXT_KERNEL;
                continue;
            }
            if (kernel) {
                out[n++] = ip;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    @Override
    public String symbolize(long addr) {
        return kallsyms().describe(addr);
    }

    @Override
    public Long taskField(long offset, int bytes) {
        throw new KtapError("curr_task_info: the host backend cannot read the task_struct (that needs the ktapvm"
                + " module and the kernel backend)");
    }

    /** From the event's irq flags; timer handlers run, as in the kernel, in (timer) interrupt context. */
    @Override
    public boolean inInterrupt() {
        if (shape != null && shape.style() == EventShape.Style.COUNTER) {
            return shape.counterInterrupt();
        }
        if (view == null || shape == null || shape.format() == null) {
            return true;
        }
        int flags = (int) view.rawInteger(2, 1, false);
        return (flags & (FLAG_HARDIRQ | FLAG_SOFTIRQ | FLAG_NMI)) != 0;
    }

    @Override
    public boolean inIowait() {
        throw new KtapError("in_iowait: a perf sample does not say whether its task waits for I/O (that needs the"
                + " ktapvm module and the kernel backend)");
    }

    @Override
    public long realtimeNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The sample's time (CLOCK_MONOTONIC, as perf stamps it), or now outside a handler. */
    @Override
    public long traceClockNanos() {
        return view != null || time != 0 ? time : System.nanoTime();
    }

    @Override
    public Long sockSourceAddress(long sock) {
        throw new KtapError("net.ip_sock_saddr: the host backend cannot read kernel sockets (that needs the ktapvm"
                + " module and the kernel backend)");
    }

    @Override
    public Long sockDestinationAddress(long sock) {
        throw new KtapError("net.ip_sock_daddr: the host backend cannot read kernel sockets (that needs the ktapvm"
                + " module and the kernel backend)");
    }

    @Override
    public void close() {
        memory.close();
    }

    private static String machine() {
        String a = System.getProperty("os.arch", "");
        return switch (a) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> a;
        };
    }

    private static String readTrimmed(Path p, String fallback) {
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            return fallback;
        }
    }
}
