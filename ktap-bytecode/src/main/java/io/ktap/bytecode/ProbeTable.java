package io.ktap.bytecode;

import io.ktap.ast.Probe;
import java.time.Duration;

/** Maps AST probes to probe-table kinds, spec text and timer periods. */
final class ProbeTable {

    private ProbeTable() {
    }

    static ProbeKind kind(Probe p) {
        return p.accept(new Probe.Visitor<>() {
            @Override
            public ProbeKind visitTracepoint(Probe.Tracepoint t) {
                return ProbeKind.TRACEPOINT;
            }

            @Override
            public ProbeKind visitKprobe(Probe.Kprobe k) {
                return k.isReturn() ? ProbeKind.KRETPROBE : ProbeKind.KPROBE;
            }

            @Override
            public ProbeKind visitUprobe(Probe.Uprobe u) {
                return u.isReturn() ? ProbeKind.URETPROBE : ProbeKind.UPROBE;
            }

            @Override
            public ProbeKind visitSdt(Probe.Sdt s) {
                return ProbeKind.SDT;
            }

            @Override
            public ProbeKind visitFtraceFunction(Probe.FtraceFunction f) {
                return ProbeKind.FTRACE_FUNCTION;
            }

            @Override
            public ProbeKind visitTimer(Probe.Timer t) {
                return t.kind() == Probe.Timer.Kind.TICK ? ProbeKind.TICK : ProbeKind.PROFILE;
            }
        });
    }

    static long periodNanos(Probe p) {
        return p instanceof Probe.Timer t ? t.period().toNanos() : 0;
    }

    /** The probe written as in a script ({@code syscalls:sys_enter_*}, {@code probe:do_sys_open dfd=%di}, {@code tick-1s}). */
    static String spec(Probe p) {
        return p.accept(new Probe.Visitor<>() {
            @Override
            public String visitTracepoint(Probe.Tracepoint t) {
                return t.subsystem() + ":" + t.event();
            }

            @Override
            public String visitKprobe(Probe.Kprobe k) {
                return "probe:" + k.symbol() + (k.offset() != 0 ? "+" + k.offset() : "")
                        + (k.isReturn() ? "%return" : "") + args(k.args());
            }

            @Override
            public String visitUprobe(Probe.Uprobe u) {
                String where = u.symbol() == null ? "0x" + Long.toHexString(u.offset())
                        : u.symbol() + (u.offset() != 0 ? "+" + u.offset() : "");
                return "probe:" + u.path() + ":" + where + (u.isReturn() ? "%return" : "") + args(u.args());
            }

            @Override
            public String visitSdt(Probe.Sdt s) {
                return "sdt:" + s.path() + ":" + s.name();
            }

            @Override
            public String visitFtraceFunction(Probe.FtraceFunction f) {
                return "ftrace:function";
            }

            @Override
            public String visitTimer(Probe.Timer t) {
                return t.kind().keyword() + "-" + duration(t.period());
            }
        });
    }

    private static String args(java.util.List<Probe.FetchArg> args) {
        StringBuilder sb = new StringBuilder();
        for (Probe.FetchArg a : args) {
            sb.append(' ').append(a.name()).append('=').append(a.fetch());
        }
        return sb.toString();
    }

    private static String duration(Duration d) {
        long ns = d.toNanos();
        if (ns % 1_000_000_000L == 0) {
            return ns / 1_000_000_000L + "s";
        }
        if (ns % 1_000_000L == 0) {
            return ns / 1_000_000L + "ms";
        }
        return ns / 1_000L + "us";
    }
}
