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
