package io.ktap.vm;

/**
 * The event a perf-event or breakpoint handler runs for, on every backend: no trace record, two
 * fields.
 * <pre>
 *   perf event   argname = perf's name (cycles)        arg1 = ip   (the sampled instruction pointer)
 *                                                      arg2 = period (the events this sample stands for)
 *   breakpoint   argname = its spec (mem:0x601040/4:w) arg1 = addr (the watched address)
 *                                                      arg2 = ip   (where the access was made: for a data
 *                                                                   breakpoint the next instruction)
 * </pre>
 * and {@code argevent} a line in the trace file's layout:
 * <pre>
 *              cat-4242    [001] .....   100.004000: cycles: ip=0xffffffff81234567 period=100000
 *             prog-77      [000] .....   100.004000: mem:0x601040/4:w: addr=0x601040 ip=0x401136
 * </pre>
 * Mutable, so that a backend can reuse one instance per delivery thread; {@link #copy()} keeps one.
 */
public final class CounterEvent implements TraceEvent {

    private static final KString IP = KString.of("ip");
    private static final KString PERIOD = KString.of("period");
    private static final KString ADDR = KString.of("addr");

    private KString name = KString.of("");
    private boolean breakpoint;
    private long first;
    private long second;
    private String comm = "";
    private int tid;
    private int cpu;
    private long time;
    private String flags = ".....";
    private KString text;

    /** Points this event at a perf-event sample. */
    public CounterEvent perf(KString eventName, long ip, long period) {
        return set(eventName, false, ip, period);
    }

    /** Points this event at a breakpoint hit. */
    public CounterEvent breakpoint(KString spec, long address, long ip) {
        return set(spec, true, address, ip);
    }

    private CounterEvent set(KString eventName, boolean isBreakpoint, long a, long b) {
        this.name = eventName;
        this.breakpoint = isBreakpoint;
        this.first = a;
        this.second = b;
        this.text = null;
        return this;
    }

    /**
     * The context {@code argevent} shows: the task, CPU, time (ns) and the latency flags column
     * ({@code .....} when the backend cannot know them).
     */
    public CounterEvent context(String taskComm, int taskTid, int onCpu, long timeNanos, String latencyFlags) {
        this.comm = taskComm;
        this.tid = taskTid;
        this.cpu = onCpu;
        this.time = timeNanos;
        this.flags = latencyFlags;
        this.text = null;
        return this;
    }

    /** An independent copy (for the early API's event objects, which a script may keep). */
    public CounterEvent copy() {
        CounterEvent c = new CounterEvent();
        c.set(name, breakpoint, first, second);
        c.context(comm, tid, cpu, time, flags);
        return c;
    }

    /** The body of the line, after the header: {@code cycles: ip=0x... period=N}. */
    public static String body(String name, boolean breakpoint, long a, long b) {
        return breakpoint
                ? name + ": addr=0x" + Long.toHexString(a) + " ip=0x" + Long.toHexString(b)
                : name + ": ip=0x" + Long.toHexString(a) + " period=" + Long.toUnsignedString(b);
    }

    @Override
    public KString name() {
        return name;
    }

    @Override
    public KString text() {
        if (text == null) {
            text = KString.of(String.format("%16s-%-7d [%03d] %s %5d.%06d: %s", comm, tid, cpu, flags,
                    time / 1_000_000_000L, time % 1_000_000_000L / 1000, body(name.toString(), breakpoint, first, second)));
        }
        return text;
    }

    @Override
    public int fieldCount() {
        return 2;
    }

    @Override
    public void field(int i, Object[] ref, long[] num, int o) {
        if (i == 1 || i == 2) {
            ref[o] = Values.INT;
            num[o] = i == 1 ? first : second;
        } else {
            ref[o] = null;
        }
    }

    @Override
    public int fieldIndex(KString fieldName) {
        if (breakpoint) {
            return fieldName.equals(ADDR) ? 1 : fieldName.equals(IP) ? 2 : 0;
        }
        return fieldName.equals(IP) ? 1 : fieldName.equals(PERIOD) ? 2 : 0;
    }

    @Override
    public boolean isSyscallEnter() {
        return false;
    }

    @Override
    public String toString() {
        return text().toString();
    }
}
