package io.ktap.host;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link HostTracer} traces and how its rings are set up. Immutable; start from
 * {@link #systemWide()}, {@link #process(int)} or {@link #command(ProcessBuilder)} and chain.
 */
public final class HostOptions {
    /** What the events are attached to. */
    public enum TargetKind {
        /** Every task on the selected CPUs ({@code ktap} without {@code -p}). */
        SYSTEM_WIDE,
        /** One process, its threads and every child it forks later ({@code -p PID}). */
        PROCESS,
        /** A command started by the tracer, held until {@link HostTracer#start()} ({@code -- CMD}). */
        COMMAND
    }

    private final TargetKind target;
    private final int pid;
    private final List<String> commandLine;
    private final ProcessBuilder command;
    private final int cpu;
    private final int ringPages;
    private final int wakeupEvents;
    private final int wakeupWatermark;
    private final int callchainDepth;
    private final boolean sampleIp;
    private final boolean trackComm;

    private HostOptions(TargetKind target, int pid, ProcessBuilder command, int cpu, int ringPages,
                        int wakeupEvents, int wakeupWatermark, int callchainDepth, boolean sampleIp,
                        boolean trackComm) {
        this.target = target;
        this.pid = pid;
        this.command = command;
        this.commandLine = command == null ? List.of() : List.copyOf(command.command());
        this.cpu = cpu;
        this.ringPages = ringPages;
        this.wakeupEvents = wakeupEvents;
        this.wakeupWatermark = wakeupWatermark;
        this.callchainDepth = callchainDepth;
        this.sampleIp = sampleIp;
        this.trackComm = trackComm;
    }

    /** Every task on every online CPU. 64 pages per CPU ring, wakeup at a quarter full. */
    public static HostOptions systemWide() {
        return new HostOptions(TargetKind.SYSTEM_WIDE, -1, null, -1, 64, 0, 0, 0, false, false);
    }

    /** A running process: all its threads now, and children and threads it creates later. */
    public static HostOptions process(int pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive: " + pid);
        }
        return new HostOptions(TargetKind.PROCESS, pid, null, -1, 64, 0, 0, 0, false, false);
    }

    /**
     * A command the tracer starts, held before exec until {@link HostTracer#start()}, traced from
     * its exec on (with its children). The builder's command, directory, environment and
     * redirections are used; the builder is not modified or started.
     */
    public static HostOptions command(ProcessBuilder command) {
        Objects.requireNonNull(command, "command");
        if (command.command().isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        return new HostOptions(TargetKind.COMMAND, -1, command, -1, 64, 0, 0, 0, false, false);
    }

    /** Only the given CPU ({@code -C CPU}). */
    public HostOptions onCpu(int cpu) {
        if (cpu < 0) {
            throw new IllegalArgumentException("cpu must be >= 0: " + cpu);
        }
        return new HostOptions(target, pid, command, cpu, ringPages, wakeupEvents, wakeupWatermark, callchainDepth, sampleIp, trackComm);
    }

    /** Data pages per CPU ring (a power of two, at least 1). */
    public HostOptions ringPages(int pages) {
        if (pages < 1 || Integer.bitCount(pages) != 1) {
            throw new IllegalArgumentException("ring pages must be a power of two >= 1: " + pages);
        }
        return new HostOptions(target, pid, command, cpu, pages, wakeupEvents, wakeupWatermark, callchainDepth, sampleIp, trackComm);
    }

    /** Wake a blocked {@link HostTracer#poll} after every {@code n} samples (1 = lowest latency, most wakeups). */
    public HostOptions wakeupEvery(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("wakeup events must be >= 1: " + n);
        }
        return new HostOptions(target, pid, command, cpu, ringPages, n, 0, callchainDepth, sampleIp, trackComm);
    }

    /** Wake a blocked poll once a ring holds {@code bytes} bytes (the default is a quarter of the ring). */
    public HostOptions wakeupWatermark(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("wakeup watermark must be >= 1: " + bytes);
        }
        return new HostOptions(target, pid, command, cpu, ringPages, 0, bytes, callchainDepth, sampleIp, trackComm);
    }

    /** Record a callchain of up to {@code depth} frames with each sample (0 = none). */
    public HostOptions callchains(int depth) {
        if (depth < 0 || depth > 1024) {
            throw new IllegalArgumentException("callchain depth must be in 0..1024: " + depth);
        }
        return new HostOptions(target, pid, command, cpu, ringPages, wakeupEvents, wakeupWatermark, depth, sampleIp, trackComm);
    }

    /** Record the instruction pointer with each sample. */
    public HostOptions sampleIp(boolean on) {
        return new HostOptions(target, pid, command, cpu, ringPages, wakeupEvents, wakeupWatermark, callchainDepth, on, trackComm);
    }

    /**
     * Deliver {@link SampleHandler#onComm} for every task that execs or renames itself on the traced
     * CPUs (a PERF_RECORD_COMM from each ring's anchor), so that a command name can be known for a
     * task that has exited by the time its samples are read.
     */
    public HostOptions trackComm(boolean on) {
        return new HostOptions(target, pid, command, cpu, ringPages, wakeupEvents, wakeupWatermark, callchainDepth,
                sampleIp, on);
    }

    public boolean trackComm() {
        return trackComm;
    }

    public TargetKind target() {
        return target;
    }

    /** The traced process for {@link TargetKind#PROCESS}, else -1. */
    public int pid() {
        return pid;
    }

    /** The command for {@link TargetKind#COMMAND}. */
    public Optional<ProcessBuilder> commandBuilder() {
        return Optional.ofNullable(command);
    }

    /** The command line for {@link TargetKind#COMMAND}, else empty. */
    public List<String> commandLine() {
        return commandLine;
    }

    /** The only CPU traced, or -1 for all online CPUs. */
    public int cpu() {
        return cpu;
    }

    public int ringPages() {
        return ringPages;
    }

    /** Samples per wakeup, or 0 when the watermark applies. */
    public int wakeupEvents() {
        return wakeupEvents;
    }

    /** Wakeup watermark in bytes, or 0 for the default (a quarter of the ring) or when {@link #wakeupEvents()} applies. */
    public int wakeupWatermark() {
        return wakeupWatermark;
    }

    public int callchainDepth() {
        return callchainDepth;
    }

    public boolean sampleIp() {
        return sampleIp;
    }

    @Override
    public String toString() {
        return "HostOptions[" + target + (pid > 0 ? " pid=" + pid : "") + (command != null ? " cmd=" + commandLine : "")
                + (cpu >= 0 ? " cpu=" + cpu : "") + " ringPages=" + ringPages + "]";
    }
}
