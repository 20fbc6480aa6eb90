package io.ktap.vm;

import static io.ktap.vm.Scripts.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.ast.Builtin;
import io.ktap.sim.SimKernel;
import io.ktap.sim.SimSession;
import io.ktap.sim.SimTask;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every builtin of {@link Builtin}, with the simulated kernel's values. */
class BuiltinsTest {

    /** One script per builtin and what it prints; {@link #everyBuiltinHasAnExample} keeps it complete. */
    static final Map<Builtin, String[]> EXAMPLES = new EnumMap<>(Builtin.class);

    static {
        example(Builtin.PRINT, "print(1, \"a\", nil)", "1\ta\tnil\n");
        example(Builtin.PRINTF, "printf(\"%d-%s\\n\", 1, \"a\")", "1-a\n");
        example(Builtin.PAIRS, "for (k, v in pairs({5})) { print(k, v) }", "1\t5\n");
        example(Builtin.LEN, "var f = len\nprint(len(\"abc\"), len({1, 2, a = 3}))".replace("var f = len\n", ""), "3\t3\n");
        example(Builtin.EXIT, "print(1)\nexit()\nprint(2)", "1\n");
        example(Builtin.PID, "print(pid(), pid)", "1000\t1000\n");
        example(Builtin.TID, "print(tid())", "1000\n");
        example(Builtin.UID, "print(uid())", "0\n");
        example(Builtin.EXECNAME, "print(execname())", "ktap-sim\n");
        example(Builtin.CPU, "print(cpu())", "0\n");
        example(Builtin.ARCH, "print(arch())", "x86_64\n");
        example(Builtin.KERNEL_V, "print(kernel_v())", "6.1.0-sim\n");
        example(Builtin.USER_STRING, "print(user_string(4096))", "nil\n");
        example(Builtin.KERNEL_STRING, "print(kernel_string(4096))", "nil\n");
        example(Builtin.HISTOGRAM, "histogram({})", "                          value ------------- Distribution ------------- count\n");
        example(Builtin.CURR_TASK_INFO, "print(curr_task_info(0), curr_task_info(8, 8))", "0\t0\n");
        example(Builtin.PRINT_BACKTRACE, "print_backtrace()", "");
        example(Builtin.STACK, "print(len(stack()))", "0\n");
        example(Builtin.IN_INTERRUPT, "print(in_interrupt())", "false\n");
        example(Builtin.NUM_CPUS, "print(num_cpus())", "2\n");
        example(Builtin.GETTIMEOFDAY_S, "print(gettimeofday_s())", "1400000100\n");
        example(Builtin.GETTIMEOFDAY_MS, "print(gettimeofday_ms())", "1400000100000\n");
        example(Builtin.GETTIMEOFDAY_US, "print(gettimeofday_us())", "1400000100000000\n");
        example(Builtin.GETTIMEOFDAY_NS, "print(gettimeofday_ns())", "1400000100000000000\n");
        example(Builtin.DELETE, "var t = {1, 2}\ndelete(t)\nprint(len(t))", "0\n");
        example(Builtin.STRINGOF, "print(stringof(12) .. stringof(true) .. stringof(\"x\"))", "12truex\n");
        example(Builtin.IPOF, "print(ipof(0))", "0x0\n");
        example(Builtin.IN_IOWAIT, "print(in_iowait())", "false\n");
        example(Builtin.PRINT_TRACE_CLOCK, "print_trace_clock()", "100.000000\n");
        example(Builtin.EMIT, "emit(\"Hello\", execname, 42, true)", "Hello{execname=ktap-sim, _2=42, _3=true}\n");
        example(Builtin.INPLACE_INC, "var t = {}\ninplace_inc(t, \"a\")\ninplace_inc(t, \"a\", 5)\nprint(t.a)", "6\n");
        example(Builtin.TABLE_NEW, "var t = table.new(8, 8)\nt[1] = 1\nprint(len(t))", "1\n");
        example(Builtin.KDEBUG_PROBE_BY_ID, "kdebug.probe_by_id(1, function (e) { })\nprint(1)", "1\n");
        example(Builtin.KDEBUG_PROBE_END, "kdebug.probe_end(function () { print(\"end\") })\nprint(1)", "1\nend\n");
        example(Builtin.KDEBUG_PROBE, "kdebug.probe(\"tp:syscalls\", function (e) { })\nprint(1)", "1\n");
        example(Builtin.ANSI_CLEAR_SCREEN, "ansi.clear_screen()", "\033[H\033[2J");
        example(Builtin.ANSI_SET_COLOR, "ansi.set_color(32)", "\033[32m");
        example(Builtin.ANSI_SET_COLOR2, "ansi.set_color2(32, 40)", "\033[32;40m");
        example(Builtin.ANSI_SET_COLOR3, "ansi.set_color3(32, 40, 1)", "\033[32;40;1m");
        example(Builtin.ANSI_RESET_COLOR, "ansi.reset_color()", "\033[0;0m");
        example(Builtin.ANSI_NEW_LINE, "ansi.new_line()", "\n");
        example(Builtin.NET_IP_SOCK_SADDR, "print(net.ip_sock_saddr(16))", "nil\n");
        example(Builtin.NET_IP_SOCK_DADDR, "print(net.ip_sock_daddr(16))", "nil\n");
        example(Builtin.NET_FORMAT_IP_ADDR, "print(net.format_ip_addr(16777343))", "127.0.0.1\n");
        example(Builtin.COUNT, "c = count()\nc = count()\nprint(c)", "@c: 2\n");
        example(Builtin.SUM, "var t = {}\nt.x = sum(2)\nt.x = sum(5)\nprint(t)", "@t[x]: 7\n");
        example(Builtin.MIN, "m = min(4)\nm = min(-2)\nprint(m)", "@m: -2\n");
        example(Builtin.MAX, "m = max(4)\nm = max(-2)\nprint(m)", "@m: 4\n");
        example(Builtin.AVG, "a = avg(4)\na = avg(7)\nprint(a)", "@a: 5\n\n");
        example(Builtin.STATS, "s = stats(4)\ns = stats(7)\nprint(s)", "@s: count 2, average 5, total 11\n\n");
        example(Builtin.HIST, "h = hist(5)\nprint(h)",
                "@h: \n[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n");
        example(Builtin.LHIST, "l = lhist(5, 0, 10, 5)\nprint(l)",
                "@l: \n[5, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n");
    }

    private static void example(Builtin b, String script, String expected) {
        EXAMPLES.put(b, new String[] {script, expected});
    }

    @Test
    void everyBuiltinHasAnExample() {
        for (Builtin b : Builtin.values()) {
            assertTrue(EXAMPLES.containsKey(b), "no example for builtin " + b.qualifiedName());
        }
    }

    @Test
    void everyBuiltinRunsAsDocumented() {
        for (Map.Entry<Builtin, String[]> e : EXAMPLES.entrySet()) {
            assertEquals(e.getValue()[1], run(e.getValue()[0]), e.getKey().qualifiedName());
        }
    }

    @Test
    void kernelBuiltinsSeeTheEventsTaskAndCpu() {
        SimKernel kernel = new SimKernel().cpus(4);
        kernel.userString(0x7000, "/etc/passwd");
        SimSession s = Scripts.start(kernel, """
                trace syscalls:sys_enter_openat {
                    print(pid(), tid(), uid(), execname(), cpu(), user_string(arg3), in_interrupt())
                }
                """, TraceOptions.defaults());
        s.fireAs(SimTask.of(42, "cat").thread(43).uid(1000), 3, "syscalls:sys_enter_openat",
                Map.of("dfd", -100, "filename", 0x7000));
        s.close();
        assertEquals("42\t43\t1000\tcat\t3\t/etc/passwd\tfalse\n", s.printed());
    }

    @Test
    void userStringsAreCutAtTheStringLimit() {
        SimKernel kernel = new SimKernel();
        kernel.userString(0x7000, "abcdefghij");
        SimSession s = Scripts.start(kernel, "trace syscalls:sys_enter_openat { print(user_string(arg3)) }",
                TraceOptions.defaults().limits(io.ktap.trace.Limits.defaults().stringBytes(4)));
        s.fire("syscalls:sys_enter_openat", Map.of("filename", 0x7003));
        assertEquals("defg\n", s.printed());
    }

    @Test
    void backtracesAndSymbols() {
        SimKernel kernel = new SimKernel();
        long ip = kernel.address("do_sys_open", 4);
        SimSession s = Scripts.start(kernel, """
                trace syscalls:sys_enter_read { print_backtrace(); print(ipof(arg1)) }
                """.replace("arg1", Long.toString(ip)), TraceOptions.defaults());
        s.fire("syscalls:sys_enter_read", Map.of());
        assertEquals(" => __x64_sys_read+0x12/0x30\n => do_syscall_64+0x5c/0x200\n"
                + " => entry_SYSCALL_64_after_hwframe+0x6e/0x200\ndo_sys_open+0x4/0x200\n", s.printed());
    }

    @Test
    void timersRunInInterruptContext() {
        SimSession s = Scripts.start(new SimKernel(), "tick-1s { print(in_interrupt(), cpu()) }", TraceOptions.defaults());
        s.advance(java.time.Duration.ofSeconds(2));
        assertEquals("true\t0\ntrue\t0\n", s.printed());
    }

    @Test
    void currTaskInfoReadsTheTaskStruct() {
        SimKernel kernel = new SimKernel();
        SimSession s = Scripts.start(kernel, "trace sched:sched_switch { print(curr_task_info(24), curr_task_info(32, 8)) }",
                TraceOptions.defaults());
        s.fireAs(SimTask.of(7, "x").taskField(24, 4, 120).taskField(32, 8, 1L << 40), 0, "sched:sched_switch", Map.of());
        assertEquals("120\t1099511627776\n", s.printed());
    }

    @Test
    void socketsAndAddresses() {
        SimKernel kernel = new SimKernel().socket(0xffff888000001000L, "10.0.0.1", "192.168.1.20");
        SimSession s = Scripts.start(kernel, """
                trace syscalls:sys_enter_sendto {
                    print(net.format_ip_addr(net.ip_sock_saddr(arg6)), net.format_ip_addr(net.ip_sock_daddr(arg6)))
                }
                """, TraceOptions.defaults());
        s.fire("syscalls:sys_enter_sendto", Map.of("addr", 0xffff888000001000L));
        assertEquals("10.0.0.1\t192.168.1.20\n", s.printed());
    }

    @Test
    void exitStatusAndTheEndBlock() {
        SimSession s = Scripts.start(new SimKernel(), "trace syscalls:sys_enter_read { exit(3) }\ntrace_end { print(\"end\") }",
                TraceOptions.defaults());
        assertEquals(1, s.fire("syscalls:sys_enter_read", Map.of()));
        assertTrue(s.hasEnded());
        assertEquals(0, s.fire("syscalls:sys_enter_read", Map.of()), "no event is traced after exit()");
        assertEquals(3, s.exitStatus());
        assertEquals("end\n", s.printed());
    }

    @Test
    void histogramSortsByCountAndScalesBars() {
        SimSession s = Scripts.start(new SimKernel(), """
                var t = {}
                t.read = 1
                t.write = 3
                t.open = 0
                t.close = 3
                histogram(t)
                """, TraceOptions.defaults());
        TraceOutput.Histogram h = s.histograms().get(0);
        assertEquals(java.util.List.of(new TraceOutput.Histogram.Row("write", 3, 16),
                new TraceOutput.Histogram.Row("close", 3, 16), new TraceOutput.Histogram.Row("read", 1, 5),
                new TraceOutput.Histogram.Row("open", 0, 0)), h.rows());
        assertEquals("""
                                          value ------------- Distribution ------------- count
                                          write |@@@@@@@@@@@@@@@@                      | 3
                                          close |@@@@@@@@@@@@@@@@                      | 3
                                           read |@@@@@                                 | 1
                                           open |                                      | 0
                """, s.printed());
    }

    @Test
    void histogramShowsTwentyRowsThenAnEllipsis() {
        SimSession s = Scripts.start(new SimKernel(), """
                var t = {}
                for (i = 1, 25) { t[i] = i }
                histogram(t)
                histogram(t, 2)
                """, TraceOutput.class == null ? null : TraceOptions.defaults());
        assertEquals(20, s.histograms().get(0).rows().size());
        assertEquals(5, s.histograms().get(0).omitted());
        assertEquals("25", s.histograms().get(0).rows().get(0).key());
        assertEquals(2, s.histograms().get(1).rows().size());
        assertTrue(s.printed().contains("                            ... |\n"));
    }

    @Test
    void histogramOfZerosDrawsNoBars() {
        assertEquals("""
                                          value ------------- Distribution ------------- count
                                              a |                                      | 0
                """, run("histogram({a = 0})"));
    }

    @Test
    void printAliasOfHistogram() {
        assertEquals(run("histogram({a = 1})"), run("print_hist({a = 1})"));
    }
}
