package io.ktap.ast;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a handler attaches: the EVENTDEF of a {@code trace} block, or a timer. Probe definitions
 * are values; userspace resolves them (globs against tracefs, kprobe/uprobe events, SDT notes) into
 * the event ids the kernel is handed.
 */
public sealed interface Probe extends Node {

    /** Dispatches to the visit method for this variant. */
    <R> R accept(Visitor<R> visitor);

    /** One method per variant; {@code VisitorCoverageTest} checks none is missing. */
    interface Visitor<R> {
        R visitTracepoint(Tracepoint p);

        R visitKprobe(Kprobe p);

        R visitUprobe(Uprobe p);

        R visitSdt(Sdt p);

        R visitFtraceFunction(FtraceFunction p);

        R visitTimer(Timer p);

        R visitPerfEvent(PerfEvent p);

        R visitBreakpoint(Breakpoint p);
    }

    /** A glob over tracepoint subsystem and event names: letters, digits, {@code _}, {@code *}, {@code ?}. */
    Pattern GLOB = Pattern.compile("[A-Za-z0-9_*?]+");

    /** A C identifier, the shape of kernel and ELF symbols and of fetch-arg names. */
    Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    /**
     * A tracepoint {@code subsystem:event}, either part a glob ({@code syscalls:sys_enter_*},
     * {@code *:*}). Syscalls are the tracepoints of the {@code syscalls} subsystem.
     */
    record Tracepoint(Span span, String subsystem, String event) implements Probe {
        public Tracepoint {
            Objects.requireNonNull(span, "span");
            requireMatch(GLOB, subsystem, "tracepoint subsystem");
            requireMatch(GLOB, event, "tracepoint event");
        }

        /** Whether either part is a glob that may match several events. */
        public boolean isGlob() {
            return (subsystem + event).chars().anyMatch(c -> c == '*' || c == '?');
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitTracepoint(this);
        }
    }

    /**
     * A kprobe {@code probe:symbol[+offset] [name=fetch ...]}, or with {@code %return} a kretprobe,
     * whose fetch args may use {@code $retval}.
     */
    record Kprobe(Span span, String symbol, long offset, boolean isReturn, List<FetchArg> args) implements Probe {
        public Kprobe {
            Objects.requireNonNull(span, "span");
            requireMatch(IDENT, symbol, "kernel symbol");
            if (offset < 0) {
                throw new IllegalArgumentException("negative kprobe offset " + offset);
            }
            if (isReturn && offset != 0) {
                throw new IllegalArgumentException("a return probe attaches to a function entry, not " + symbol + "+" + offset);
            }
            args = List.copyOf(args);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitKprobe(this);
        }
    }

    /**
     * A uprobe {@code probe:/path:symbol[+offset]} or {@code probe:/path:0xADDR}; with
     * {@code %return} a uretprobe.
     *
     * @param symbol the function symbol, or {@code null} when the probe is at a raw address
     * @param offset the offset from the symbol, or the address in the file when {@code symbol} is null
     */
    record Uprobe(Span span, String path, String symbol, long offset, boolean isReturn, List<FetchArg> args)
            implements Probe {
        public Uprobe {
            Objects.requireNonNull(span, "span");
            requirePath(path);
            if (symbol != null) {
                requireMatch(IDENT, symbol, "function symbol");
            }
            if (offset < 0) {
                throw new IllegalArgumentException("negative uprobe offset " + offset);
            }
            args = List.copyOf(args);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitUprobe(this);
        }
    }

    /** A userspace static marker (stapsdt) {@code sdt:/path:name}; the name may be a glob. */
    record Sdt(Span span, String path, String name) implements Probe {
        public Sdt {
            Objects.requireNonNull(span, "span");
            requirePath(path);
            requireMatch(GLOB, name, "SDT marker name");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitSdt(this);
        }
    }

    /** {@code ftrace:function}: every traced kernel function (the event filter narrows it). */
    record FtraceFunction(Span span) implements Probe {
        public FtraceFunction {
            Objects.requireNonNull(span, "span");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitFtraceFunction(this);
        }
    }

    /**
     * A timer: {@code tick-N<unit>} fires on one CPU, {@code profile-N<unit>} on every CPU, each
     * {@code period}. Units are s/sec, ms/msec, us/usec.
     */
    record Timer(Span span, Kind kind, Duration period) implements Probe {
        /** The shortest period a timer may have. */
        public static final Duration MIN_PERIOD = Duration.ofNanos(1_000);

        public Timer {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(period, "period");
            if (period.compareTo(MIN_PERIOD) < 0) {
                throw new IllegalArgumentException(kind.keyword() + " period must be at least 1us, not " + period);
            }
            if (period.toNanos() % 1_000 != 0) {
                throw new IllegalArgumentException(kind.keyword() + " period must be whole microseconds, not " + period);
            }
        }

        public enum Kind {
            /** Fires on one CPU. */
            TICK("tick"),
            /** Fires on every CPU. */
            PROFILE("profile");

            private final String keyword;

            Kind(String keyword) {
                this.keyword = keyword;
            }

            public String keyword() {
                return keyword;
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitTimer(this);
        }
    }

    /**
     * A perf hardware or software event under perf's own name ({@code perf:cycles},
     * {@code perf:page-faults/period=10/}, {@code perf:cpu-clock/freq=99/}): the handler runs once
     * every {@code sample} occurrences of the event, or, with {@code frequency}, about
     * {@code sample} times a second (the kernel adapts the period; for the clocks the period is
     * exactly 1e9/{@code sample} ns). Traced on every CPU, or on the target of {@code -p} /
     * {@code -C} / {@code -- CMD} as the other probes are.
     *
     * @param sample    the sample period (events per handler run), or with {@code frequency} the
     *                  runs per second; at least 1. The clocks count nanoseconds, and their period
     *                  is at least {@link #MIN_CLOCK_PERIOD} (the kernel would raise a shorter one)
     * @param frequency whether {@code sample} is a frequency in Hz
     */
    record PerfEvent(Span span, Counter counter, long sample, boolean frequency) implements Probe {
        /** The shortest period of {@code cpu-clock} and {@code task-clock}, in ns (the kernel's floor). */
        public static final long MIN_CLOCK_PERIOD = 10_000;

        /** The frequency perf record samples at by default, in Hz. */
        public static final long DEFAULT_FREQUENCY = 4_000;

        public PerfEvent {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(counter, "counter");
            if (sample < 1) {
                throw new IllegalArgumentException(counter.perfName() + ": a sample " + (frequency ? "frequency" : "period")
                        + " must be at least 1, not " + sample);
            }
            if (!frequency && counter.isClock() && sample < MIN_CLOCK_PERIOD) {
                throw new IllegalArgumentException(counter.perfName() + " counts nanoseconds: its period must be at least "
                        + MIN_CLOCK_PERIOD + " (10us), not " + sample);
            }
        }

        /** The event with its default sampling: see {@link Counter#defaultSample()}. */
        public static PerfEvent of(Span span, Counter counter) {
            return new PerfEvent(span, counter, counter.defaultSample(), counter.defaultIsFrequency());
        }

        /** Whether the sampling is the counter's default (its canonical text then has no term). */
        public boolean isDefaultSampling() {
            return sample == counter.defaultSample() && frequency == counter.defaultIsFrequency();
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitPerfEvent(this);
        }

        /** Which perf counter: the generalized hardware events and the software events of perf_event.h. */
        public enum Type {
            /** {@code PERF_TYPE_HARDWARE}: counted by the CPU's PMU (absent in most virtual machines). */
            HARDWARE(0),
            /** {@code PERF_TYPE_SOFTWARE}: counted by the kernel. */
            SOFTWARE(1);

            private final int abi;

            Type(int abi) {
                this.abi = abi;
            }

            /** {@code perf_event_attr.type}. */
            public int abi() {
                return abi;
            }
        }

        /**
         * The events, named as perf names them ({@code perf list}); {@link #config()} is
         * {@code perf_event_attr.config} (PERF_COUNT_HW_* / PERF_COUNT_SW_*).
         */
        public enum Counter {
            CYCLES("cycles", Type.HARDWARE, 0, "cpu-cycles"),
            INSTRUCTIONS("instructions", Type.HARDWARE, 1),
            CACHE_REFERENCES("cache-references", Type.HARDWARE, 2),
            CACHE_MISSES("cache-misses", Type.HARDWARE, 3),
            BRANCHES("branches", Type.HARDWARE, 4, "branch-instructions"),
            BRANCH_MISSES("branch-misses", Type.HARDWARE, 5),
            BUS_CYCLES("bus-cycles", Type.HARDWARE, 6),
            STALLED_CYCLES_FRONTEND("stalled-cycles-frontend", Type.HARDWARE, 7, "idle-cycles-frontend"),
            STALLED_CYCLES_BACKEND("stalled-cycles-backend", Type.HARDWARE, 8, "idle-cycles-backend"),
            REF_CYCLES("ref-cycles", Type.HARDWARE, 9),
            CPU_CLOCK("cpu-clock", Type.SOFTWARE, 0),
            TASK_CLOCK("task-clock", Type.SOFTWARE, 1),
            PAGE_FAULTS("page-faults", Type.SOFTWARE, 2, "faults"),
            CONTEXT_SWITCHES("context-switches", Type.SOFTWARE, 3, "cs"),
            CPU_MIGRATIONS("cpu-migrations", Type.SOFTWARE, 4, "migrations"),
            MINOR_FAULTS("minor-faults", Type.SOFTWARE, 5),
            MAJOR_FAULTS("major-faults", Type.SOFTWARE, 6),
            ALIGNMENT_FAULTS("alignment-faults", Type.SOFTWARE, 7),
            EMULATION_FAULTS("emulation-faults", Type.SOFTWARE, 8);

            private final String perfName;
            private final Type type;
            private final int config;
            private final List<String> aliases;

            Counter(String perfName, Type type, int config, String... aliases) {
                this.perfName = perfName;
                this.type = type;
                this.config = config;
                this.aliases = List.of(aliases);
            }

            /** The name perf gives it ({@code cycles}, {@code page-faults}). */
            public String perfName() {
                return perfName;
            }

            /** perf's other names for it ({@code faults}, {@code cs}, {@code cpu-cycles}...). */
            public List<String> aliases() {
                return aliases;
            }

            public Type type() {
                return type;
            }

            /** {@code perf_event_attr.config}. */
            public int config() {
                return config;
            }

            /** Whether it counts nanoseconds ({@code cpu-clock}, {@code task-clock}). */
            public boolean isClock() {
                return this == CPU_CLOCK || this == TASK_CLOCK;
            }

            /**
             * Whether, without a term, it samples at a frequency: the hardware events and the
             * clocks do, at {@link #DEFAULT_FREQUENCY} Hz as perf record does; the other software
             * events (faults, switches, migrations) run the handler on every occurrence.
             */
            public boolean defaultIsFrequency() {
                return type == Type.HARDWARE || isClock();
            }

            /** The default sample: {@link #DEFAULT_FREQUENCY} Hz, or a period of 1. */
            public long defaultSample() {
                return defaultIsFrequency() ? DEFAULT_FREQUENCY : 1;
            }

            /** The counter perf calls {@code name} (its name or an alias), if any. */
            public static java.util.Optional<Counter> byName(String name) {
                for (Counter c : values()) {
                    if (c.perfName.equals(name) || c.aliases.contains(name)) {
                        return java.util.Optional.of(c);
                    }
                }
                return java.util.Optional.empty();
            }
        }
    }

    /**
     * A hardware breakpoint (watchpoint) in perf's syntax, {@code mem:ADDR[/LEN][:ACCESS]} or
     * {@code mem:SYMBOL[+OFFS][/LEN][:ACCESS]} with a kernel symbol: the handler runs, in the
     * context of the task that made it, after every access of {@code access} to the
     * {@code length} bytes at the address (or, for {@code x}, when the instruction there runs).
     * A numeric address is a user address of the traced process ({@code -p} / {@code -- CMD}) or
     * a kernel address; a symbol is looked up in the kernel's symbols.
     *
     * @param symbol  the kernel symbol, or {@code null} when {@code address} is absolute
     * @param address the address, or the offset from {@code symbol}
     * @param length  bytes watched: 1, 2, 4 or 8 ({@code x}: 8, the length of an instruction
     *                pointer, as perf sets it)
     */
    record Breakpoint(Span span, String symbol, long address, int length, Access access) implements Probe {
        public Breakpoint {
            Objects.requireNonNull(span, "span");
            Objects.requireNonNull(access, "access");
            if (symbol != null) {
                requireMatch(IDENT, symbol, "kernel symbol");
                if (address < 0) {
                    throw new IllegalArgumentException("negative offset from " + symbol + ": " + address);
                }
            }
            if (length != 1 && length != 2 && length != 4 && length != 8) {
                throw new IllegalArgumentException("a breakpoint watches 1, 2, 4 or 8 bytes, not " + length);
            }
            if (access == Access.X && length != 8) {
                throw new IllegalArgumentException("an execute breakpoint has the length of an instruction pointer, 8, not "
                        + length);
            }
        }

        /** perf's defaults: {@code rw} of 4 bytes ({@code x}: 8 bytes). */
        public static int defaultLength(Access access) {
            return access == Access.X ? 8 : 4;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitBreakpoint(this);
        }

        /** What the breakpoint catches; {@link #bits()} is {@code perf_event_attr.bp_type}. */
        public enum Access {
            /** Reads (x86 cannot watch reads alone: it refuses this one). */
            R("r", 1),
            /** Writes. */
            W("w", 2),
            /** Reads and writes: perf's default. */
            RW("rw", 3),
            /** Execution of the instruction at the address. */
            X("x", 4);

            private final String text;
            private final int bits;

            Access(String text, int bits) {
                this.text = text;
                this.bits = bits;
            }

            /** As written after the last {@code :} ({@code r}, {@code w}, {@code rw}, {@code x}). */
            public String text() {
                return text;
            }

            /** HW_BREAKPOINT_R | HW_BREAKPOINT_W | HW_BREAKPOINT_X. */
            public int bits() {
                return bits;
            }

            /** The access for bp_type bits, if it is one of the four. */
            public static java.util.Optional<Access> ofBits(long bits) {
                for (Access a : values()) {
                    if (a.bits == bits) {
                        return java.util.Optional.of(a);
                    }
                }
                return java.util.Optional.empty();
            }
        }
    }

    /**
     * A fetch argument of a kprobe or uprobe event, {@code name=fetch}, in the syntax of the
     * kernel's {@code kprobe_events} ({@code %di}, {@code +4($stack)}, {@code $retval}, ...).
     */
    record FetchArg(String name, String fetch) {
        public FetchArg {
            requireMatch(IDENT, name, "fetch argument name");
            Objects.requireNonNull(fetch, "fetch");
            if (fetch.isEmpty() || fetch.chars().anyMatch(c -> c <= ' ' || c == '{' || c == '}')) {
                throw new IllegalArgumentException("malformed fetch argument '" + name + "=" + fetch + "'");
            }
        }
    }

    private static void requireMatch(Pattern pattern, String value, String what) {
        Objects.requireNonNull(value, what);
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("malformed " + what + " '" + value + "'");
        }
    }

    private static void requirePath(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || path.contains(":") || path.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("a probed binary is an absolute path without ':' or spaces, not '" + path + "'");
        }
    }
}
