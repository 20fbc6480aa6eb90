package io.ktap.bytecode;

import io.ktap.ast.Probe;
import io.ktap.ast.ProbeSpecs;

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

            @Override
            public ProbeKind visitPerfEvent(Probe.PerfEvent e) {
                return ProbeKind.PERF_EVENT;
            }

            @Override
            public ProbeKind visitBreakpoint(Probe.Breakpoint b) {
                return ProbeKind.BREAKPOINT;
            }
        });
    }

    static long periodNanos(Probe p) {
        return p instanceof Probe.Timer t ? t.period().toNanos() : 0;
    }

    /**
     * The probe's canonical text ({@code syscalls:sys_enter_*}, {@code probe:do_sys_open dfd=%di},
     * {@code tick-1s}), as {@link ProbeSpecs#format} writes it.
     *
     * @throws IllegalArgumentException when the probe breaks a rule of the kernel's probe syntax
     */
    static String spec(Probe p) {
        return ProbeSpecs.format(p);
    }
}
