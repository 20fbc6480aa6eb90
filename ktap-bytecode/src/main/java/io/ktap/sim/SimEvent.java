package io.ktap.sim;

import io.ktap.vm.KString;
import io.ktap.vm.TraceEvent;
import io.ktap.vm.Values;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One occurrence of an event in the simulated kernel: its format, its field values, and the task,
 * CPU and time it happened at. Its text ({@code argevent}) is what the tracefs {@code trace} file
 * would show for it:
 *
 * <pre>
 *             bash-6773    [000] .....   413.820035: sys_openat(dfd: 0xffffff9c, filename: 0x559d017aa1c0, flags: 0x241, mode: 0x1b6)
 *             bash-6773    [000] d..2.   413.821277: sched_switch: prev_comm=bash prev_pid=6773 prev_prio=120 prev_state=S ==&gt; next_comm=swapper/0 next_pid=0 next_prio=120
 * </pre>
 */
public final class SimEvent implements TraceEvent {

    private final SimKernel kernel;
    private final EventFormat format;
    private final Object[] values;
    private final SimTask task;
    private final int cpu;
    private final long timestamp;
    private final String flags;
    private final long[] stack;
    private KString name;
    private KString text;

    SimEvent(SimKernel kernel, EventFormat format, Map<String, ?> fieldValues, SimTask task, int cpu, long timestamp,
            String flags, long[] stack) {
        this.kernel = kernel;
        this.format = format;
        this.task = task;
        this.cpu = cpu;
        this.timestamp = timestamp;
        this.flags = flags;
        this.stack = stack;
        List<EventFormat.Field> fields = format.fields();
        this.values = new Object[fields.size()];
        Map<String, Object> rest = new HashMap<>(fieldValues);
        for (int i = 0; i < values.length; i++) {
            EventFormat.Field f = fields.get(i);
            values[i] = normalize(f, rest.remove(f.name()));
        }
        if (!rest.isEmpty()) {
            throw new IllegalArgumentException(format.qualifiedName() + " has no field " + rest.keySet().iterator().next()
                    + "; its fields are " + fields.stream().map(EventFormat.Field::name).toList());
        }
    }

    private Object normalize(EventFormat.Field f, Object v) {
        if (f.isString()) {
            if (v == null) {
                return KString.EMPTY;
            }
            if (v instanceof CharSequence s) {
                return KString.of(s.toString());
            }
            if (v instanceof byte[] b) {
                return KString.of(b);
            }
            throw new IllegalArgumentException("field " + f.name() + " of " + format.qualifiedName()
                    + " is text, not " + v);
        }
        if (v == null) {
            return 0L;
        }
        if (!(v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte)) {
            throw new IllegalArgumentException("field " + f.name() + " of " + format.qualifiedName()
                    + " is a number, not " + v);
        }
        return fit(((Number) v).longValue(), f.size(), f.signed());
    }

    /** {@code v} as a field of {@code bytes} bytes holds it: sign-extended or zero-extended. */
    static long fit(long v, int bytes, boolean signed) {
        if (bytes >= 8 || bytes <= 0) {
            return v;
        }
        int bits = bytes * 8;
        long mask = (1L << bits) - 1;
        long x = v & mask;
        if (signed && (x & (1L << (bits - 1))) != 0) {
            x |= ~mask;
        }
        return x;
    }

    public EventFormat format() {
        return format;
    }

    public SimTask task() {
        return task;
    }

    public int cpu() {
        return cpu;
    }

    public long timestampNanos() {
        return timestamp;
    }

    long[] stack() {
        return stack;
    }

    /** The value of field {@code fieldName} ({@link Long} or {@link String}), common fields included, or null. */
    public Object value(String fieldName) {
        switch (fieldName) {
            case "common_pid":
                return (long) task.tid();
            case "common_type":
                return format.id();
            case "common_flags":
            case "common_preempt_count":
                return 0L;
            default:
                break;
        }
        int i = format.fieldIndex(fieldName);
        if (i == 0) {
            return null;
        }
        Object v = values[i - 1];
        return v instanceof KString s ? s.toString() : v;
    }

    @Override
    public KString name() {
        if (name == null) {
            name = KString.of(format.name());
        }
        return name;
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
        return values.length;
    }

    @Override
    public void field(int i, Object[] ref, long[] num, int o) {
        if (i < 1 || i > values.length) {
            ref[o] = null;
            return;
        }
        Object v = values[i - 1];
        if (v instanceof Long l) {
            ref[o] = Values.INT;
            num[o] = l;
        } else {
            ref[o] = v;
        }
    }

    @Override
    public int fieldIndex(KString fieldName) {
        return format.fieldIndex(fieldName.toString());
    }

    @Override
    public boolean isSyscallEnter() {
        return format.system().equals("syscalls") && format.name().startsWith("sys_enter_");
    }

    /** The line as the tracefs {@code trace} file shows it, without the newline. */
    String line() {
        return String.format("%16s-%-7d [%03d] %s %5d.%06d: %s", task.comm(), task.tid(), cpu, flags,
                timestamp / 1_000_000_000L, timestamp % 1_000_000_000L / 1000, body());
    }

    private String body() {
        String sys = format.system();
        String n = format.name();
        if (sys.equals("syscalls") && n.startsWith("sys_enter_")) {
            StringBuilder sb = new StringBuilder("sys_").append(n.substring("sys_enter_".length())).append('(');
            List<EventFormat.Field> fields = format.fields();
            boolean first = true;
            for (int i = 0; i < fields.size(); i++) {
                EventFormat.Field f = fields.get(i);
                if (f.name().equals("__syscall_nr")) {
                    continue;
                }
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                long v = values[i] instanceof Long l ? fit(l, f.typeWidth(), false) : 0;
                sb.append(f.name()).append(": ")
                        .append(Long.compareUnsigned(v, 10) < 0 ? Long.toUnsignedString(v) : "0x" + Long.toHexString(v));
            }
            return sb.append(')').toString();
        }
        if (sys.equals("syscalls") && n.startsWith("sys_exit_")) {
            Object ret = value("ret");
            return "sys_" + n.substring("sys_exit_".length()) + " -> 0x" + Long.toHexString(ret instanceof Long l ? l : 0);
        }
        if (sys.equals("ftrace") && n.equals("function")) {
            return kernel.symbolName(numberOf("ip")) + " <-" + kernel.symbolName(numberOf("parent_ip"));
        }
        if (sys.equals("kprobes") || sys.equals("uprobes") || sys.startsWith("sdt_")) {
            StringBuilder sb = new StringBuilder(n).append(": (");
            boolean ret = format.fieldIndex("__probe_ret_ip") > 0;
            if (ret) {
                // As the kernel prints a return probe: the return address with its offset, the function without.
                long func = numberOf("__probe_func");
                sb.append(where(numberOf("__probe_ret_ip"), sys)).append(" <- ")
                        .append(sys.equals("kprobes") ? kernel.symbolName(func) : "0x" + Long.toHexString(func));
            } else {
                sb.append(where(numberOf("__probe_ip"), sys));
            }
            sb.append(')');
            for (int i = 0; i < values.length; i++) {
                String fn = format.fields().get(i).name();
                if (fn.startsWith("__probe_")) {
                    continue;
                }
                sb.append(' ').append(fn).append('=');
                sb.append(values[i] instanceof Long l ? "0x" + Long.toHexString(l) : "\"" + values[i] + "\"");
            }
            return sb.toString();
        }
        PrintFormat pf = kernel.printFormat(format);
        String rendered = pf == null ? null : pf.render(this::value);
        if (rendered == null) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(format.fields().get(i).name()).append('=').append(values[i]);
            }
            rendered = sb.toString();
        }
        return n + ": " + rendered;
    }

    /** The kernel function {@code addr} is in, or its hex form. */
    String symbolOf(long addr) {
        return kernel.symbolName(addr);
    }

    private long numberOf(String field) {
        return value(field) instanceof Long l ? l : 0;
    }

    private String where(long addr, String sys) {
        return sys.equals("kprobes") ? kernel.symbolize(addr) : "0x" + Long.toHexString(addr);
    }

    @Override
    public String toString() {
        return line();
    }

    @Override
    public boolean equals(Object o) {
        return o == this;
    }

    @Override
    public int hashCode() {
        return Objects.hash(format.qualifiedName(), timestamp, cpu);
    }
}
