package io.ktap.host;

import io.ktap.sim.PrintFormat;
import io.ktap.vm.KString;
import io.ktap.vm.TraceEvent;
import io.ktap.vm.Values;

/**
 * The event a handler runs for on the host backend: a reusable view of the perf sample being
 * handled, decoded on demand with its tracefs format ({@code arg1..argN} read straight from the
 * ring; {@code argevent} rendered only when asked for). Valid during one handler invocation: the
 * backend hands the early API's event objects, which a script may keep, a {@link #snapshot()}.
 */
final class HostEvent implements TraceEvent {

    private final HostContext context;
    private SampleView view;
    private Sample sample;
    private EventShape shape;
    private long timerTime;
    private int timerCpu;
    private KString text;

    HostEvent(HostContext context) {
        this.context = context;
    }

    /** Points this event at {@code sample} of {@code eventShape}. */
    HostEvent set(SampleView sampleView, EventShape eventShape) {
        this.view = sampleView;
        this.sample = null;
        this.shape = eventShape;
        this.text = null;
        return this;
    }

    /** Points this event at a timer firing ({@code tick-N}) at {@code now} on {@code cpu}. */
    HostEvent setTimer(EventShape timer, int cpu, long now) {
        this.view = null;
        this.sample = null;
        this.shape = timer;
        this.timerCpu = cpu;
        this.timerTime = now;
        this.text = null;
        return this;
    }

    /** An immutable copy of this event, which stays valid after the handler returns. */
    HostEvent snapshot() {
        HostEvent copy = new HostEvent(context);
        copy.shape = shape;
        copy.timerCpu = timerCpu;
        copy.timerTime = timerTime;
        copy.sample = view != null ? view.toSample() : sample;
        copy.text = text;
        return copy;
    }

    @Override
    public KString name() {
        return shape.name();
    }

    @Override
    public KString text() {
        if (text == null) {
            text = KString.of(line());
        }
        return text;
    }

    @Override
    public int fieldCount() {
        return shape.fieldCount();
    }

    @Override
    public void field(int i, Object[] ref, long[] num, int o) {
        if (i < 1 || i > shape.fieldCount()) {
            ref[o] = null;
            return;
        }
        FieldFormat f = shape.field(i);
        if (f.kind() == FieldFormat.Kind.INTEGER) {
            ref[o] = Values.INT;
            num[o] = integer(f);
        } else if (f.isString()) {
            ref[o] = KString.of(string(f));
        } else {
            ref[o] = KString.of(bytes(f));
        }
    }

    @Override
    public int fieldIndex(KString fieldName) {
        return shape.fieldIndex(fieldName);
    }

    @Override
    public boolean isSyscallEnter() {
        return shape.isSyscallEnter();
    }

    // ---- reading the sample, live or copied -----------------------------------------------------

    private long integer(FieldFormat f) {
        return view != null ? view.integer(f) : sample.integer(f);
    }

    private long rawInteger(int offset, int size, boolean signed) {
        if (view != null) {
            return view.rawInteger(offset, size, signed);
        }
        return sample.integer(new FieldFormat("raw", "u" + size * 8, offset, size, signed,
                FieldFormat.Kind.INTEGER, false));
    }

    private byte[] string(FieldFormat f) {
        if (view != null) {
            byte[] b = new byte[view.stringLength(f)];
            view.stringBytes(f, b);
            return b;
        }
        return sample.string(f).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private byte[] bytes(FieldFormat f) {
        if (view != null) {
            return view.bytes(f);
        }
        byte[] raw = sample.raw();
        int start = f.offset();
        int length = f.size();
        if (f.isDynamic()) {
            long loc = rawInteger(f.offset(), 4, false);
            start = (int) (loc & 0xffff) + (f.isRelative() ? f.offset() + 4 : 0);
            length = (int) (loc >>> 16);
        }
        return java.util.Arrays.copyOfRange(raw, start, Math.min(raw.length, start + length));
    }

    private int pid() {
        return view != null ? view.pid() : sample != null ? sample.pid() : context.pid();
    }

    private int tid() {
        return view != null ? view.tid() : sample != null ? sample.tid() : context.tid();
    }

    private int cpu() {
        return view != null ? view.cpu() : sample != null ? sample.cpu() : timerCpu;
    }

    private long time() {
        return view != null ? view.time() : sample != null ? sample.time() : timerTime;
    }

    private boolean hasRaw() {
        return shape.format() != null && (view != null ? view.rawSize() > 0 : sample != null && sample.raw().length > 0);
    }

    // ---- the trace file's line ----------------------------------------------------------------

    /**
     * The event as a line of the tracefs {@code trace} file (without the newline):
     * <pre>
     *             bash-6773    [000] .....   413.820035: sys_openat(dfd: 0xffffff9c, filename: 0x559d017aa1c0, flags: 0x241, mode: 0x1b6)
     * </pre>
     * The timestamp is the sample's CLOCK_MONOTONIC time (the trace file's default clock is the
     * local clock, which it tracks closely).
     */
    String line() {
        long t = time();
        String comm = context.tasks().comm(pid(), tid()).toString();
        return String.format("%16s-%-7d [%03d] %s %5d.%06d: %s", comm, tid(), cpu(), flags(), t / 1_000_000_000L,
                t % 1_000_000_000L / 1000, body());
    }

    /** The latency columns: irqs-off, need-resched, hard/soft irq, preempt depth, migrate-disable. */
    private String flags() {
        if (!hasRaw()) {
            return "d.h..";  // a timer: the kernel runs it from a timer interrupt
        }
        int flags = (int) rawInteger(2, 1, false);
        int preempt = (int) rawInteger(3, 1, false);
        char irqsOff = (flags & HostContext.FLAG_IRQS_OFF) != 0 ? 'd' : '.';
        int resched = flags & (HostContext.FLAG_NEED_RESCHED | HostContext.FLAG_NEED_RESCHED_LAZY
                | HostContext.FLAG_PREEMPT_RESCHED);
        char needResched;
        boolean nr = (resched & HostContext.FLAG_NEED_RESCHED) != 0;
        boolean lazy = (resched & HostContext.FLAG_NEED_RESCHED_LAZY) != 0;
        boolean pr = (resched & HostContext.FLAG_PREEMPT_RESCHED) != 0;
        if (nr && lazy && pr) {
            needResched = 'B';
        } else if (nr && pr) {
            needResched = 'N';
        } else if (lazy && pr) {
            needResched = 'L';
        } else if (nr && lazy) {
            needResched = 'b';
        } else if (nr) {
            needResched = 'n';
        } else if (pr) {
            needResched = 'p';
        } else if (lazy) {
            needResched = 'l';
        } else {
            needResched = '.';
        }
        boolean nmi = (flags & HostContext.FLAG_NMI) != 0;
        boolean hard = (flags & HostContext.FLAG_HARDIRQ) != 0;
        boolean soft = (flags & HostContext.FLAG_SOFTIRQ) != 0;
        char irq = nmi && hard ? 'Z' : nmi ? 'z' : hard && soft ? 'H' : hard ? 'h' : soft ? 's' : '.';
        // perf stamps the context from inside the tracepoint's own preempt-disabled section, which
        // the trace file's writer leaves out (tracing_gen_ctx_dec): leave it out here too.
        int preemptDepth = Math.max(0, (preempt & 0xf) - 1);
        char depth = preemptDepth != 0 ? Character.forDigit(preemptDepth, 16) : '.';
        char migrate = (preempt & 0xf0) != 0 ? Character.forDigit(preempt >>> 4 & 0xf, 16) : '.';
        return new String(new char[] {irqsOff, needResched, irq, depth, migrate});
    }

    private String body() {
        EventFormat format = shape.format();
        switch (shape.style()) {
            case TIMER:
                return shape.displayName();
            case SYSCALL_ENTER: {
                StringBuilder sb = new StringBuilder("sys_").append(format.name().substring("sys_enter_".length()))
                        .append('(');
                boolean first = true;
                for (FieldFormat f : format.fields()) {
                    if (f.name().equals("__syscall_nr")) {
                        continue;
                    }
                    if (!first) {
                        sb.append(", ");
                    }
                    first = false;
                    // The kernel prints each argument register as an unsigned long: decimal below 10.
                    long v = rawInteger(f.offset(), Math.min(f.size(), 8), false);
                    sb.append(f.name()).append(": ")
                            .append(Long.compareUnsigned(v, 10) < 0 ? Long.toUnsignedString(v) : "0x" + Long.toHexString(v));
                }
                return sb.append(')').toString();
            }
            case SYSCALL_EXIT: {
                FieldFormat ret = shape.fieldNamed("ret");
                long v = ret == null ? 0 : rawInteger(ret.offset(), ret.size(), ret.signed());
                return "sys_" + format.name().substring("sys_exit_".length()) + " -> 0x" + Long.toHexString(v);
            }
            case PROBE: {
                // As print_uprobe_event/print_kprobe_event write it: "(0x<ip>)" or
                // "(0x<ret ip> <- 0x<func>)", then the fetched arguments as the print fmt has them.
                FieldFormat ip = shape.fieldNamed("__probe_ip");
                FieldFormat func = shape.fieldNamed("__probe_func");
                FieldFormat retIp = shape.fieldNamed("__probe_ret_ip");
                String head = ip != null ? "(0x" + Long.toHexString(integer(ip)) + ")"
                        : func != null && retIp != null ? "(0x" + Long.toHexString(integer(retIp)) + " <- 0x"
                                + Long.toHexString(integer(func)) + ")" : null;
                PrintFormat pf = shape.printFormat();
                String rendered = pf == null ? null : pf.render(this::value, this::symbolize);
                if (head != null && rendered != null && rendered.startsWith("(") && rendered.indexOf(')') > 0) {
                    return shape.displayName() + ": " + head + rendered.substring(rendered.indexOf(')') + 1);
                }
                return shape.displayName() + ": " + (rendered != null ? rendered : fieldList());
            }
            default: {
                PrintFormat pf = shape.printFormat();
                String rendered = pf == null ? null : pf.render(this::value, this::symbolize);
                return shape.displayName() + ": " + (rendered != null ? rendered : fieldList());
            }
        }
    }

    /** {@code name=value ...}: what is shown when the print fmt is beyond the evaluator. */
    private String fieldList() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= shape.fieldCount(); i++) {
            if (i > 1) {
                sb.append(' ');
            }
            FieldFormat f = shape.field(i);
            sb.append(f.name()).append('=').append(display(f));
        }
        return sb.toString();
    }

    private String symbolize(long addr, boolean offset) {
        Kallsyms k = context.kallsyms();
        return k.isReadable() ? k.symbolize(addr, offset) : null;
    }

    private String display(FieldFormat f) {
        if (f.kind() == FieldFormat.Kind.INTEGER) {
            return Long.toString(integer(f));
        }
        return new String(f.isString() ? string(f) : bytes(f), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A field for the print fmt evaluator: a {@link Long}, a {@link String}, or null when there is none. */
    private Object value(String fieldName) {
        FieldFormat f = shape.fieldNamed(fieldName);
        if (f == null) {
            return null;
        }
        if (f.kind() == FieldFormat.Kind.INTEGER) {
            return integer(f);
        }
        return new String(f.isString() ? string(f) : bytes(f), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return line();
    }
}
