package io.ktap.vm;

import io.ktap.ast.Builtin;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Every builtin of {@link Builtin}. Arguments are in the VM's slots {@code a .. a+nargs-1} (the
 * arity is already checked); the one result goes to slot {@code a} (nil when there is nothing to
 * return). Errors are {@link KtapError}s with Lua-style messages:
 * {@code bad argument #N to 'name' (number expected, got string)}.
 */
final class Builtins {

    private Builtins() {
    }

    static void call(KtapVm vm, Builtin b, int a, int nargs) {
        Object[] r = vm.refs();
        long[] n = vm.nums();
        KernelContext k = vm.kernel();
        switch (b) {
            case PRINT -> {
                io.ktap.trace.TraceOutput.Aggregation agg = nargs == 1
                        ? Aggregations.printable(r[a], k.cpu(), k.traceClockNanos()) : null;
                if (agg != null) {
                    vm.output(agg);
                    r[a] = null;
                    return;
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int i = 0; i < nargs; i++) {
                    if (i > 0) {
                        out.write('\t');
                    }
                    byte[] bytes = Values.displayBytes(r[a + i], n[a + i]);
                    out.write(bytes, 0, bytes.length);
                }
                out.write('\n');
                vm.print(text(out.toByteArray()));
                r[a] = null;
            }
            case PRINTF -> {
                KString fmt = string(r, a, 1, "printf");
                vm.print(text(Printf.format("printf", fmt, r, n, a + 1, nargs - 1)));
                r[a] = null;
            }
            case PAIRS -> throw new KtapError("pairs(...) can only be the iterator of a for-in loop");
            case EMIT -> throw new KtapError("emit(...) is compiled to the EMIT instruction, not called");
            case LEN -> {
                Object v = r[a];
                if (v instanceof KString s) {
                    n[a] = s.length();
                } else if (v instanceof KTable t) {
                    n[a] = t.size();
                } else {
                    throw bad(1, "len", "table or string", v);
                }
                r[a] = Values.INT;
            }
            case EXIT -> {
                int status = 0;
                if (nargs > 0 && r[a] != null) {
                    status = (int) number(r, n, a, 1, "exit");
                }
                vm.exit(status);
            }
            case PID -> number(r, n, a, k.pid());
            case TID -> number(r, n, a, k.tid());
            case UID -> number(r, n, a, k.uid());
            case CPU -> number(r, n, a, k.cpu());
            case NUM_CPUS -> number(r, n, a, k.numCpus());
            case EXECNAME -> r[a] = vm.string(k.execname());
            case ARCH -> r[a] = vm.string(k.arch());
            case KERNEL_V -> r[a] = vm.string(k.kernelVersion());
            case USER_STRING -> {
                long addr = number(r, n, a, 1, "user_string");
                byte[] s = k.userString(addr, vm.maxString());
                r[a] = s == null ? null : vm.string(s);
            }
            case KERNEL_STRING -> {
                long addr = number(r, n, a, 1, "kernel_string");
                byte[] s = k.kernelString(addr, vm.maxString());
                r[a] = s == null ? null : vm.string(s);
            }
            case HISTOGRAM -> {
                if (!(r[a] instanceof KTable t)) {
                    throw bad(1, "histogram", "table", r[a]);
                }
                long rows = io.ktap.trace.TraceOutput.Histogram.DEFAULT_ROWS;
                if (nargs > 1 && r[a + 1] != null) {
                    rows = number(r, n, a + 1, 2, "histogram");
                }
                vm.output(Histograms.of(t, rows, k.cpu(), k.traceClockNanos()));
                r[a] = null;
            }
            case CURR_TASK_INFO -> {
                long offset = number(r, n, a, 1, "curr_task_info");
                long bytes = 4;
                if (nargs > 1 && r[a + 1] != null) {
                    bytes = number(r, n, a + 1, 2, "curr_task_info");
                }
                if (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8) {
                    throw new KtapError("bad argument #2 to 'curr_task_info' (fetch size must be 1, 2, 4 or 8)");
                }
                Long v = k.taskField(offset, (int) bytes);
                if (v == null) {
                    throw new KtapError("curr_task_info: offset " + offset + " is outside the task_struct");
                }
                number(r, n, a, v);
            }
            case PRINT_BACKTRACE -> {
                vm.print(backtrace(k));
                r[a] = null;
            }
            case STACK -> r[a] = vm.string(backtrace(k));
            case IN_INTERRUPT -> r[a] = k.inInterrupt() ? Boolean.TRUE : Boolean.FALSE;
            case IN_IOWAIT -> r[a] = k.inIowait() ? Boolean.TRUE : Boolean.FALSE;
            case GETTIMEOFDAY_S -> number(r, n, a, k.realtimeNanos() / 1_000_000_000L);
            case GETTIMEOFDAY_MS -> number(r, n, a, k.realtimeNanos() / 1_000_000L);
            case GETTIMEOFDAY_US -> number(r, n, a, k.realtimeNanos() / 1_000L);
            case GETTIMEOFDAY_NS -> number(r, n, a, k.realtimeNanos());
            case DELETE -> {
                if (!(r[a] instanceof KTable t)) {
                    throw bad(1, "delete", "table", r[a]);
                }
                if (nargs > 1) {
                    if (r[a + 1] == null) {
                        throw new KtapError("table index is nil");
                    }
                    t.set(r[a + 1], n[a + 1], null, 0);
                } else {
                    t.clear();
                }
                r[a] = null;
            }
            case STRINGOF -> {
                Object v = r[a];
                if (v instanceof KString) {
                    return;
                }
                r[a] = vm.string(v instanceof KEvent e ? e.event().text().toString() : Values.display(v, n[a]));
            }
            case IPOF -> {
                long addr = number(r, n, a, 1, "ipof");
                r[a] = vm.string(k.symbolize(addr));
            }
            case PRINT_TRACE_CLOCK -> {
                long t = k.traceClockNanos();
                vm.print(String.format("%d.%06d\n", t / 1_000_000_000L, t % 1_000_000_000L / 1000));
                r[a] = null;
            }
            case INPLACE_INC -> {
                if (!(r[a] instanceof KTable t)) {
                    throw bad(1, "inplace_inc", "table", r[a]);
                }
                long by = 1;
                if (nargs > 2 && r[a + 2] != null) {
                    by = number(r, n, a + 2, 3, "inplace_inc");
                }
                t.add(r[a + 1], n[a + 1], by);
                r[a] = null;
            }
            case TABLE_NEW -> {
                long narr = nargs > 0 && r[a] != null ? number(r, n, a, 1, "table.new") : 0;
                long nrec = nargs > 1 && r[a + 1] != null ? number(r, n, a + 1, 2, "table.new") : 0;
                if (narr < 0 || nrec < 0) {
                    throw new KtapError("bad argument to 'table.new' (sizes must not be negative)");
                }
                r[a] = vm.table((int) Math.min(Integer.MAX_VALUE, narr + nrec));
            }
            case KDEBUG_PROBE_BY_ID, KDEBUG_PROBE -> {
                String fname = b.qualifiedName();
                String spec;
                if (r[a] instanceof KString s) {
                    spec = s.toString();
                } else if (r[a] == Values.INT && b == Builtin.KDEBUG_PROBE_BY_ID) {
                    spec = "id:" + n[a];
                } else {
                    throw bad(1, fname, b == Builtin.KDEBUG_PROBE ? "string" : "number or string", r[a]);
                }
                if (!(r[a + 1] instanceof KClosure fn)) {
                    throw bad(2, fname, "function", r[a + 1]);
                }
                vm.registerProbe(spec, fn);
                r[a] = null;
            }
            case KDEBUG_PROBE_END -> {
                if (!(r[a] instanceof KClosure fn)) {
                    throw bad(1, "kdebug.probe_end", "function", r[a]);
                }
                vm.registerEnd(fn);
                r[a] = null;
            }
            case ANSI_CLEAR_SCREEN -> ansi(vm, r, a, "\033[H\033[2J");
            case ANSI_SET_COLOR -> ansi(vm, r, a,
                    "\033[" + number(r, n, a, 1, "ansi.set_color") + "m");
            case ANSI_SET_COLOR2 -> ansi(vm, r, a, "\033[" + number(r, n, a, 1, "ansi.set_color2") + ";"
                    + number(r, n, a + 1, 2, "ansi.set_color2") + "m");
            case ANSI_SET_COLOR3 -> ansi(vm, r, a, "\033[" + number(r, n, a, 1, "ansi.set_color3") + ";"
                    + number(r, n, a + 1, 2, "ansi.set_color3") + ";" + number(r, n, a + 2, 3, "ansi.set_color3") + "m");
            case ANSI_RESET_COLOR -> ansi(vm, r, a, "\033[0;0m");
            case ANSI_NEW_LINE -> ansi(vm, r, a, "\n");
            case NET_IP_SOCK_SADDR -> {
                Long v = k.sockSourceAddress(number(r, n, a, 1, "net.ip_sock_saddr"));
                if (v == null) {
                    r[a] = null;
                } else {
                    number(r, n, a, v);
                }
            }
            case NET_IP_SOCK_DADDR -> {
                Long v = k.sockDestinationAddress(number(r, n, a, 1, "net.ip_sock_daddr"));
                if (v == null) {
                    r[a] = null;
                } else {
                    number(r, n, a, v);
                }
            }
            case NET_FORMAT_IP_ADDR -> {
                long v = number(r, n, a, 1, "net.format_ip_addr");
                r[a] = vm.string(formatIpv4(v));
            }
        }
    }

    /**
     * An IPv4 address held as the kernel holds it ({@code __be32} loaded into a little-endian
     * register: the first octet in the low byte), as {@code %pI4} prints it.
     */
    static String formatIpv4(long v) {
        return (v & 0xff) + "." + (v >>> 8 & 0xff) + "." + (v >>> 16 & 0xff) + "." + (v >>> 24 & 0xff);
    }

    /** The kernel stack, one {@code  => symbol+0xoff/0xsize} line per frame, as the trace file shows it. */
    static String backtrace(KernelContext k) {
        StringBuilder sb = new StringBuilder();
        for (long addr : k.kernelStack()) {
            sb.append(" => ").append(k.symbolize(addr)).append('\n');
        }
        return sb.toString();
    }

    private static void ansi(KtapVm vm, Object[] r, int a, String escape) {
        vm.print(escape);
        r[a] = null;
    }

    private static void number(Object[] r, long[] n, int a, long v) {
        r[a] = Values.INT;
        n[a] = v;
    }

    private static long number(Object[] r, long[] n, int slot, int argNo, String fname) {
        if (r[slot] != Values.INT) {
            throw bad(argNo, fname, "number", r[slot]);
        }
        return n[slot];
    }

    private static KString string(Object[] r, int slot, int argNo, String fname) {
        if (!(r[slot] instanceof KString s)) {
            throw bad(argNo, fname, "string", r[slot]);
        }
        return s;
    }

    private static KtapError bad(int argNo, String fname, String expected, Object got) {
        return new KtapError("bad argument #" + argNo + " to '" + fname + "' (" + expected + " expected, got "
                + Values.typeName(got) + ")");
    }

    /** Output bytes as the text users receive (UTF-8; malformed bytes become U+FFFD). */
    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
