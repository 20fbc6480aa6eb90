package io.ktap.api;

import io.ktap.ast.Probe;
import io.ktap.ast.ProbeSpecs;
import io.ktap.ast.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Probe definitions as values, checked where they are made: every factory throws
 * {@link IllegalArgumentException} with the reason when the probe could not be attached
 * (a malformed symbol, a fetch argument the kernel would refuse, a period below 1us).
 *
 * <pre>{@code
 * Probes.tracepoint("sched", "sched_switch")
 * Probes.syscallEnter("*")                               // syscalls:sys_enter_*
 * Probes.kprobe("do_sys_open", "dfd=%di", "fname=+0(%si):string")
 * Probes.kretprobe("do_sys_open", "fd=$retval")
 * Probes.uprobe("/lib/libc.so.6", "malloc", "size=%di")
 * Probes.tick(Duration.ofMillis(10))
 * Probes.perf(Counter.PAGE_FAULTS)                      // perf:page-faults, every fault
 * Probes.perf(Counter.CYCLES, 100_000)                  // perf:cycles/period=100000/
 * Probes.perfFrequency(Counter.CPU_CLOCK, 99)           // perf:cpu-clock/freq=99/
 * Probes.watch(0x601040, 4, Access.W)                   // mem:0x601040/4:w
 * Probes.watch("jiffies", 8, Access.RW)                 // mem:jiffies/8:rw
 * Probes.parse("probe:vfs_read+0x10")                    // any EVENTDEF text
 * }</pre>
 */
public final class Probes {

    private Probes() {
    }

    /** Any EVENTDEF text, as written after {@code trace} (see {@link ProbeSpecs}). */
    public static Probe parse(String eventdef) {
        return ProbeSpecs.parse(eventdef);
    }

    /** A comma-separated list of EVENTDEFs, as written after {@code trace}. */
    public static List<Probe> parseList(String eventdefs) {
        return ProbeSpecs.parseList(eventdefs, Span.NONE);
    }

    /** The tracepoint {@code subsystem:event}; either part may be a glob ({@code *}, {@code ?}). */
    public static Probe.Tracepoint tracepoint(String subsystem, String event) {
        return (Probe.Tracepoint) ProbeSpecs.validate(new Probe.Tracepoint(Span.NONE, subsystem, event));
    }

    /** Every tracepoint of a subsystem, {@code subsystem:*}. */
    public static Probe.Tracepoint tracepoints(String subsystem) {
        return tracepoint(subsystem, "*");
    }

    /** The entry of a system call, {@code syscalls:sys_enter_NAME}; the name may be a glob. */
    public static Probe.Tracepoint syscallEnter(String name) {
        return tracepoint("syscalls", "sys_enter_" + name);
    }

    /** The exit of a system call, {@code syscalls:sys_exit_NAME}; the name may be a glob. */
    public static Probe.Tracepoint syscallExit(String name) {
        return tracepoint("syscalls", "sys_exit_" + name);
    }

    /** A kprobe on a kernel function's entry, with fetch args {@code "name=fetch"}. */
    public static Probe.Kprobe kprobe(String symbol, String... fetchArgs) {
        return kprobe(symbol, 0, fetchArgs);
    }

    /** A kprobe at {@code offset} bytes into a kernel function. */
    public static Probe.Kprobe kprobe(String symbol, long offset, String... fetchArgs) {
        return (Probe.Kprobe) ProbeSpecs.validate(new Probe.Kprobe(Span.NONE, symbol, offset, false, fetchArgs(fetchArgs)));
    }

    /** A kretprobe on a kernel function's return; fetch args may use {@code $retval}. */
    public static Probe.Kprobe kretprobe(String symbol, String... fetchArgs) {
        return (Probe.Kprobe) ProbeSpecs.validate(new Probe.Kprobe(Span.NONE, symbol, 0, true, fetchArgs(fetchArgs)));
    }

    /** A uprobe on the entry of {@code symbol} in the binary or library at {@code path}. */
    public static Probe.Uprobe uprobe(String path, String symbol, String... fetchArgs) {
        return uprobe(path, symbol, 0, fetchArgs);
    }

    /** A uprobe at {@code offset} bytes into {@code symbol}. */
    public static Probe.Uprobe uprobe(String path, String symbol, long offset, String... fetchArgs) {
        Objects.requireNonNull(symbol, "symbol");
        return (Probe.Uprobe) ProbeSpecs.validate(new Probe.Uprobe(Span.NONE, path, symbol, offset, false, fetchArgs(fetchArgs)));
    }

    /** A uprobe at an address in the file at {@code path}. */
    public static Probe.Uprobe uprobeAt(String path, long address, String... fetchArgs) {
        return (Probe.Uprobe) ProbeSpecs.validate(new Probe.Uprobe(Span.NONE, path, null, address, false, fetchArgs(fetchArgs)));
    }

    /** A uretprobe on the return of {@code symbol}; fetch args may use {@code $retval}. */
    public static Probe.Uprobe uretprobe(String path, String symbol, String... fetchArgs) {
        Objects.requireNonNull(symbol, "symbol");
        return (Probe.Uprobe) ProbeSpecs.validate(new Probe.Uprobe(Span.NONE, path, symbol, 0, true, fetchArgs(fetchArgs)));
    }

    /** A userspace static marker (stapsdt); the name may be a glob ({@code *}: every marker). */
    public static Probe.Sdt sdt(String path, String name) {
        return (Probe.Sdt) ProbeSpecs.validate(new Probe.Sdt(Span.NONE, path, name));
    }

    /** {@code ftrace:function}: every traced kernel function; narrow it with a {@link Filter}. */
    public static Probe.FtraceFunction ftraceFunction() {
        return new Probe.FtraceFunction(Span.NONE);
    }

    /** A timer firing on one CPU every {@code period} (at least 1us, whole microseconds). */
    public static Probe.Timer tick(Duration period) {
        return new Probe.Timer(Span.NONE, Probe.Timer.Kind.TICK, period);
    }

    /** A timer firing on every CPU every {@code period} (at least 1us, whole microseconds). */
    public static Probe.Timer profile(Duration period) {
        return new Probe.Timer(Span.NONE, Probe.Timer.Kind.PROFILE, period);
    }

    /**
     * A perf event with its default sampling: every occurrence for the discrete software events
     * (faults, context switches, migrations), 4000 Hz for the hardware events and the clocks.
     */
    public static Probe.PerfEvent perf(Probe.PerfEvent.Counter counter) {
        return Probe.PerfEvent.of(Span.NONE, counter);
    }

    /** A perf event whose handler runs every {@code period} events (the clocks: nanoseconds). */
    public static Probe.PerfEvent perf(Probe.PerfEvent.Counter counter, long period) {
        return new Probe.PerfEvent(Span.NONE, counter, period, false);
    }

    /** A perf event whose handler runs about {@code hertz} times a second. */
    public static Probe.PerfEvent perfFrequency(Probe.PerfEvent.Counter counter, long hertz) {
        return new Probe.PerfEvent(Span.NONE, counter, hertz, true);
    }

    /** A perf event by perf's name ({@code "cycles"}, {@code "cs"}, {@code "page-faults"}), default sampling. */
    public static Probe.PerfEvent perf(String perfName) {
        return perf(Probe.PerfEvent.Counter.byName(Objects.requireNonNull(perfName, "perfName")).orElseThrow(() ->
                new IllegalArgumentException("unknown perf event '" + perfName + "'")));
    }

    /**
     * A hardware breakpoint on {@code length} bytes at {@code address} (a user address of the
     * traced process, or a kernel address), {@code mem:ADDR/LEN:ACCESS}.
     */
    public static Probe.Breakpoint watch(long address, int length, Probe.Breakpoint.Access access) {
        return new Probe.Breakpoint(Span.NONE, null, address, length, access);
    }

    /** A hardware breakpoint on {@code length} bytes at a kernel symbol, {@code mem:SYM/LEN:ACCESS}. */
    public static Probe.Breakpoint watch(String kernelSymbol, int length, Probe.Breakpoint.Access access) {
        return watch(kernelSymbol, 0, length, access);
    }

    /** A hardware breakpoint at {@code offset} bytes past a kernel symbol. */
    public static Probe.Breakpoint watch(String kernelSymbol, long offset, int length, Probe.Breakpoint.Access access) {
        Objects.requireNonNull(kernelSymbol, "kernelSymbol");
        return new Probe.Breakpoint(Span.NONE, kernelSymbol, offset, length, access);
    }

    private static List<Probe.FetchArg> fetchArgs(String... args) {
        List<Probe.FetchArg> list = new ArrayList<>(args.length);
        for (String a : args) {
            Objects.requireNonNull(a, "fetch argument");
            int eq = a.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("fetch argument '" + a + "' needs a name: NAME=FETCHARG");
            }
            list.add(new Probe.FetchArg(a.substring(0, eq), a.substring(eq + 1)));
        }
        return list;
    }
}
