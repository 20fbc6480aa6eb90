package io.ktap.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProbeSpecsTest {

    private static final Span S = Span.NONE;

    private static Probe.FetchArg arg(String name, String fetch) {
        return new Probe.FetchArg(name, fetch);
    }

    private static void assertParses(String text, Probe expected, String canonical) {
        Probe parsed = ProbeSpecs.parse(text);
        assertEquals(expected, parsed, text);
        assertEquals(canonical, ProbeSpecs.format(parsed), text);
        assertEquals(expected, ProbeSpecs.parse(canonical), canonical);
    }

    private static String rejects(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProbeSpecs.parse(text), text);
        assertTrue(e.getMessage().startsWith("invalid eventdef '" + text.strip() + "': "), e.getMessage());
        return e.getMessage().substring(e.getMessage().indexOf("': ") + 3);
    }

    // ------------------------------------------------------------ tracepoints

    @Test
    void tracepoints() {
        assertParses("sched:sched_switch", new Probe.Tracepoint(S, "sched", "sched_switch"), "sched:sched_switch");
        assertParses("*:*", new Probe.Tracepoint(S, "*", "*"), "*:*");
        assertParses("syscalls:sys_enter_*", new Probe.Tracepoint(S, "syscalls", "sys_enter_*"), "syscalls:sys_enter_*");
        assertParses("  syscalls:sys_?nter_open  ", new Probe.Tracepoint(S, "syscalls", "sys_?nter_open"),
                "syscalls:sys_?nter_open");
        assertTrue(((Probe.Tracepoint) ProbeSpecs.parse("syscalls:*")).isGlob());
        assertFalse(((Probe.Tracepoint) ProbeSpecs.parse("sched:sched_switch")).isGlob());
    }

    @Test
    void earlyApiSpellingNamesAWholeSubsystem() {
        assertEquals(new Probe.Tracepoint(S, "syscalls", "*"), ProbeSpecs.parse("tp:syscalls"));
        assertEquals("syscalls:*", ProbeSpecs.format(ProbeSpecs.parse("tp:syscalls")));
        assertEquals(new Probe.Tracepoint(S, "sched", "sched_switch"), ProbeSpecs.parse("tp:sched:sched_switch"));
    }

    @Test
    void spanIsKept() {
        Span at = new Span("x.kp", 3, 7, 3, 20);
        assertTrue(ProbeSpecs.parse("sched:sched_switch", at).span().sameLocation(at));
        assertTrue(ProbeSpecs.parse("tick-1s", at).span().sameLocation(at));
        assertTrue(ProbeSpecs.parse("probe:/bin/sh:main", at).span().sameLocation(at));
    }

    @Test
    void listsSplitOnCommas() {
        assertEquals(List.of(new Probe.Tracepoint(S, "syscalls", "sys_enter_open"),
                        new Probe.Kprobe(S, "vfs_read", 0, false, List.of())),
                ProbeSpecs.parseList("syscalls:sys_enter_open, probe:vfs_read", S));
        assertThrows(IllegalArgumentException.class, () -> ProbeSpecs.parseList("sched:a,", S));
    }

    // ------------------------------------------------------------ kprobes

    @Test
    void kprobes() {
        assertParses("probe:do_sys_open", new Probe.Kprobe(S, "do_sys_open", 0, false, List.of()), "probe:do_sys_open");
        assertParses("probe:vfs_read+0x10", new Probe.Kprobe(S, "vfs_read", 16, false, List.of()), "probe:vfs_read+0x10");
        assertParses("probe:vfs_read+16", new Probe.Kprobe(S, "vfs_read", 16, false, List.of()), "probe:vfs_read+0x10");
        assertParses("probe:vfs_read+0", new Probe.Kprobe(S, "vfs_read", 0, false, List.of()), "probe:vfs_read");
        assertParses("probe:do_sys_open%return", new Probe.Kprobe(S, "do_sys_open", 0, true, List.of()),
                "probe:do_sys_open%return");
        assertParses("probe:do_sys_open.isra.0", new Probe.Kprobe(S, "do_sys_open.isra.0", 0, false, List.of()),
                "probe:do_sys_open.isra.0");
    }

    @Test
    void kprobeFetchArgs() {
        assertParses("probe:do_sys_open dfd=%di fname=%dx flags=%cx mode=+4($stack)",
                new Probe.Kprobe(S, "do_sys_open", 0, false, List.of(arg("dfd", "%di"), arg("fname", "%dx"),
                        arg("flags", "%cx"), arg("mode", "+4($stack)"))),
                "probe:do_sys_open dfd=%di fname=%dx flags=%cx mode=+4($stack)");
        assertParses("probe:do_sys_open%return fd=$retval",
                new Probe.Kprobe(S, "do_sys_open", 0, true, List.of(arg("fd", "$retval"))),
                "probe:do_sys_open%return fd=$retval");
        assertParses("probe:do_sys_open \t dfd=%di\n  mode=$stack2",
                new Probe.Kprobe(S, "do_sys_open", 0, false, List.of(arg("dfd", "%di"), arg("mode", "$stack2"))),
                "probe:do_sys_open dfd=%di mode=$stack2");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "%di", "%r8", "%ax:u32", "%di:x64", "%si:s16", "%dx:symbol", "%cx:b4@2/8", "%cx:b1@0/64",
        "@0xffffffff81000000", "@jiffies", "@jiffies:u64", "@init_task+16", "@init_task-0x8",
        "$stack", "$stack0", "$stack12:u32", "$arg1", "$arg6:s32", "$comm", "$comm:string",
        "+0(%si):string", "+0(%si):ustring", "+u0(%si):string", "-8(%bp)", "+0x10(+8(%di)):u8",
        "+0(%di):x8[8]", "+0(%di):string[2]", "@jiffies:u32[4]", "+4($stack)", "+0($arg2):string"})
    void kprobeFetchArgForms(String fetch) {
        Probe p = ProbeSpecs.parse("probe:vfs_read x=" + fetch);
        assertEquals(List.of(arg("x", fetch)), ((Probe.Kprobe) p).args());
        assertEquals(p, ProbeSpecs.parse(ProbeSpecs.format(p)));
    }

    @Test
    void deepestAllowedDereference() {
        String fetch = "%di";
        for (int i = 0; i < ProbeSpecs.MAX_DEREF_DEPTH; i++) {
            fetch = "+0(" + fetch + ")";
        }
        ProbeSpecs.parse("probe:f x=" + fetch);
        assertEquals("fetch argument 'x=+0(" + fetch + ")': dereferences nest deeper than 16",
                rejects("probe:f x=+0(" + fetch + ")"));
    }

    @Test
    void mostArguments() {
        String args = IntStream.range(0, ProbeSpecs.MAX_ARGS).mapToObj(i -> "a" + i + "=%di").collect(Collectors.joining(" "));
        assertEquals(ProbeSpecs.MAX_ARGS, ((Probe.Kprobe) ProbeSpecs.parse("probe:f " + args)).args().size());
        assertEquals("129 fetch arguments; a probe takes at most 128", rejects("probe:f " + args + " z=%si"));
    }

    // ------------------------------------------------------------ uprobes

    @Test
    void uprobes() {
        assertParses("probe:/lib/libc.so.6:malloc",
                new Probe.Uprobe(S, "/lib/libc.so.6", "malloc", 0, false, List.of()), "probe:/lib/libc.so.6:malloc");
        assertParses("probe:/lib/libc.so.6:malloc%return",
                new Probe.Uprobe(S, "/lib/libc.so.6", "malloc", 0, true, List.of()), "probe:/lib/libc.so.6:malloc%return");
        assertParses("probe:/bin/prog:0x4005d0", new Probe.Uprobe(S, "/bin/prog", null, 0x4005d0, false, List.of()),
                "probe:/bin/prog:0x4005d0");
        assertParses("probe:/bin/prog:4195792", new Probe.Uprobe(S, "/bin/prog", null, 0x4005d0, false, List.of()),
                "probe:/bin/prog:0x4005d0");
        assertParses("probe:/bin/prog:0x4005d0%return", new Probe.Uprobe(S, "/bin/prog", null, 0x4005d0, true, List.of()),
                "probe:/bin/prog:0x4005d0%return");
        assertParses("probe:/bin/prog:main+8", new Probe.Uprobe(S, "/bin/prog", "main", 8, false, List.of()),
                "probe:/bin/prog:main+0x8");
        assertParses("probe:/bin/prog:0x0", new Probe.Uprobe(S, "/bin/prog", null, 0, false, List.of()),
                "probe:/bin/prog:0x0");
    }

    @Test
    void uprobeFetchArgs() {
        assertParses("probe:/lib64/libc.so.6:malloc size=%di",
                new Probe.Uprobe(S, "/lib64/libc.so.6", "malloc", 0, false, List.of(arg("size", "%di"))),
                "probe:/lib64/libc.so.6:malloc size=%di");
        assertParses("probe:/lib64/libc.so.6:malloc%return ptr=$retval:x64",
                new Probe.Uprobe(S, "/lib64/libc.so.6", "malloc", 0, true, List.of(arg("ptr", "$retval:x64"))),
                "probe:/lib64/libc.so.6:malloc%return ptr=$retval:x64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%di", "@0x601040", "@+0x1040:u32", "$stack", "$stack3", "$comm",
        "+0(%di):string", "+8(%sp):x32[4]"})
    void uprobeFetchArgForms(String fetch) {
        Probe p = ProbeSpecs.parse("probe:/bin/prog:main x=" + fetch);
        assertEquals(List.of(arg("x", fetch)), ((Probe.Uprobe) p).args());
    }

    // ------------------------------------------------------------ sdt, ftrace, timers

    @Test
    void sdtMarkers() {
        assertParses("sdt:/lib64/libc.so.6:lll_futex_wake", new Probe.Sdt(S, "/lib64/libc.so.6", "lll_futex_wake"),
                "sdt:/lib64/libc.so.6:lll_futex_wake");
        assertParses("sdt:/lib64/libc.so.6:*", new Probe.Sdt(S, "/lib64/libc.so.6", "*"), "sdt:/lib64/libc.so.6:*");
    }

    @Test
    void ftraceFunction() {
        assertParses("ftrace:function", new Probe.FtraceFunction(S), "ftrace:function");
    }

    @ParameterizedTest
    @CsvSource({
        "tick-1ms, TICK, 1000, tick-1ms",
        "tick-1msec, TICK, 1000, tick-1ms",
        "profile-2s, PROFILE, 2000000, profile-2s",
        "profile-2sec, PROFILE, 2000000, profile-2s",
        "tick-250us, TICK, 250, tick-250us",
        "tick-250usec, TICK, 250, tick-250us",
        "tick-1000ms, TICK, 1000000, tick-1s",
        "tick-1500ms, TICK, 1500000, tick-1500ms",
        "profile-3000us, PROFILE, 3000, profile-3ms",
        "profile-1000001us, PROFILE, 1000001, profile-1000001us",
    })
    void timers(String text, Probe.Timer.Kind kind, long micros, String canonical) {
        assertParses(text, new Probe.Timer(S, kind, Duration.ofNanos(micros * 1000)), canonical);
    }

    @Test
    void timerFormatPicksLargestExactUnit() {
        assertEquals("tick-1s", ProbeSpecs.format(new Probe.Timer(S, Probe.Timer.Kind.TICK, Duration.ofSeconds(1))));
        assertEquals("tick-90s", ProbeSpecs.format(new Probe.Timer(S, Probe.Timer.Kind.TICK, Duration.ofMinutes(1).plusSeconds(30))));
        assertEquals("profile-10ms", ProbeSpecs.format(new Probe.Timer(S, Probe.Timer.Kind.PROFILE, Duration.ofMillis(10))));
        assertEquals("tick-1us", ProbeSpecs.format(new Probe.Timer(S, Probe.Timer.Kind.TICK, Duration.ofNanos(1000))));
    }

    // ------------------------------------------------------------ perf events and breakpoints

    @Test
    void perfEventsInPerfsNaming() {
        Probe.PerfEvent.Counter cycles = Probe.PerfEvent.Counter.CYCLES;
        assertParses("perf:cycles", new Probe.PerfEvent(S, cycles, 4000, true), "perf:cycles");
        assertParses("cycles", new Probe.PerfEvent(S, cycles, 4000, true), "perf:cycles");
        assertParses("perf:cpu-cycles/period=100000/", new Probe.PerfEvent(S, cycles, 100_000, false),
                "perf:cycles/period=100000/");
        assertParses("instructions/freq=99/", new Probe.PerfEvent(S, Probe.PerfEvent.Counter.INSTRUCTIONS, 99, true),
                "perf:instructions/freq=99/");
        assertParses("perf:cycles/freq=4000/", new Probe.PerfEvent(S, cycles, 4000, true), "perf:cycles");
        assertParses("page-faults", new Probe.PerfEvent(S, Probe.PerfEvent.Counter.PAGE_FAULTS, 1, false),
                "perf:page-faults");
        assertParses("perf:faults/period=0x10/", new Probe.PerfEvent(S, Probe.PerfEvent.Counter.PAGE_FAULTS, 16, false),
                "perf:page-faults/period=16/");
        assertParses("cs", new Probe.PerfEvent(S, Probe.PerfEvent.Counter.CONTEXT_SWITCHES, 1, false),
                "perf:context-switches");
        assertParses("perf:migrations/freq=10/", new Probe.PerfEvent(S, Probe.PerfEvent.Counter.CPU_MIGRATIONS, 10, true),
                "perf:cpu-migrations/freq=10/");
        assertParses("perf:cpu-clock/period=1000000/", new Probe.PerfEvent(S, Probe.PerfEvent.Counter.CPU_CLOCK,
                1_000_000, false), "perf:cpu-clock/period=1000000/");
        assertParses("task-clock", new Probe.PerfEvent(S, Probe.PerfEvent.Counter.TASK_CLOCK, 4000, true),
                "perf:task-clock");
    }

    @Test
    void everyPerfNameAndAliasParses() {
        for (Probe.PerfEvent.Counter c : Probe.PerfEvent.Counter.values()) {
            for (String name : java.util.stream.Stream.concat(java.util.stream.Stream.of(c.perfName()),
                    c.aliases().stream()).toList()) {
                Probe.PerfEvent p = (Probe.PerfEvent) ProbeSpecs.parse("perf:" + name);
                assertEquals(c, p.counter(), name);
                assertTrue(p.isDefaultSampling(), name);
                assertEquals(p, ProbeSpecs.parse(name));
                assertEquals("perf:" + c.perfName(), ProbeSpecs.format(p));
            }
        }
        assertEquals(0, Probe.PerfEvent.Counter.CYCLES.config());
        assertEquals(9, Probe.PerfEvent.Counter.REF_CYCLES.config());
        assertEquals(8, Probe.PerfEvent.Counter.EMULATION_FAULTS.config());
        assertEquals(Probe.PerfEvent.Type.SOFTWARE, Probe.PerfEvent.Counter.MAJOR_FAULTS.type());
    }

    @Test
    void breakpointsInPerfsSyntax() {
        Probe.Breakpoint.Access rw = Probe.Breakpoint.Access.RW;
        assertParses("mem:0x601040", new Probe.Breakpoint(S, null, 0x601040, 4, rw), "mem:0x601040/4:rw");
        assertParses("mem:0x601040/8:w", new Probe.Breakpoint(S, null, 0x601040, 8, Probe.Breakpoint.Access.W),
                "mem:0x601040/8:w");
        assertParses("mem:6295616:wr", new Probe.Breakpoint(S, null, 0x601040, 4, rw), "mem:0x601040/4:rw");
        assertParses("mem:0x601040/1:r", new Probe.Breakpoint(S, null, 0x601040, 1, Probe.Breakpoint.Access.R),
                "mem:0x601040/1:r");
        assertParses("mem:0x401000:x", new Probe.Breakpoint(S, null, 0x401000, 8, Probe.Breakpoint.Access.X),
                "mem:0x401000/8:x");
        assertParses("mem:0xffffffff82a0c000/8", new Probe.Breakpoint(S, null, 0xffffffff82a0c000L, 8, rw),
                "mem:0xffffffff82a0c000/8:rw");
        assertParses("mem:jiffies/8:w", new Probe.Breakpoint(S, "jiffies", 0, 8, Probe.Breakpoint.Access.W),
                "mem:jiffies/8:w");
        assertParses("mem:init_task+16/2", new Probe.Breakpoint(S, "init_task", 16, 2, rw), "mem:init_task+0x10/2:rw");
        assertParses("mem:do_sys_open:x", new Probe.Breakpoint(S, "do_sys_open", 0, 8, Probe.Breakpoint.Access.X),
                "mem:do_sys_open/8:x");
    }

    @Test
    void perfEventsAndBreakpointsHaveNoFilter() {
        Block empty = Block.of();
        Probe pf = ProbeSpecs.parse("page-faults");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Stmt.Trace(S, List.of(new Probe.Tracepoint(S, "sched", "*"), pf), "pid == 1", empty));
        assertEquals(Stmt.Trace.FILTERLESS_COUNTER, e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Stmt.Trace(S, List.of(ProbeSpecs.parse("mem:jiffies")), "x == 1", empty));
        new Stmt.Trace(S, List.of(new Probe.Tracepoint(S, "sched", "*"), pf), null, empty);
    }

    // ------------------------------------------------------------ errors

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"\"| empty eventdef",
        "\"   \"| empty eventdef",
        "sched| expected subsystem:event, probe:..., sdt:..., ftrace:function, perf:EVENT, mem:ADDR, tick-N<unit> or profile-N<unit>",
        "perf:| nothing after 'perf:'",
        "perf:cycle| unknown perf event 'cycle' (expected one of cycles, instructions, cache-references, cache-misses, branches, branch-misses, bus-cycles, stalled-cycles-frontend, stalled-cycles-backend, ref-cycles, cpu-clock, task-clock, page-faults, context-switches, cpu-migrations, minor-faults, major-faults, alignment-faults, emulation-faults)",
        "perf:cycles/period=0/| cycles: a sample period must be at least 1, not 0",
        "perf:cycles/freq=0/| cycles: a sample frequency must be at least 1, not 0",
        "perf:cycles/period=-1/| period '-1' is not a decimal or 0x-hexadecimal number",
        "perf:cycles/period=1000| a perf event's term is written between slashes: cycles/period=N/ or cycles/freq=N/",
        "perf:cycles/| a perf event's term is written between slashes: cycles/period=N/ or cycles/freq=N/",
        "perf:cycles//| unknown perf term '' (expected period=N or freq=N)",
        "perf:cycles/config=3/| unknown perf term 'config=3' (expected period=N or freq=N)",
        "perf:cycles/period=1/freq=2/| a perf event takes one term, period=N or freq=N, not 'period=1/freq=2'",
        "perf:cycles/period=99999999999999999999/| period '99999999999999999999' is too large",
        "perf:cpu-clock/period=9999/| cpu-clock counts nanoseconds: its period must be at least 10000 (10us), not 9999",
        "perf:cycles x=%di| a perf event takes no arguments",
        "cs/period=x/| period 'x' is not a decimal or 0x-hexadecimal number",
        "mem:| nothing after 'mem:'",
        "mem:/8:w| a breakpoint needs an address or a kernel symbol: mem:ADDR[/LEN][:ACCESS]",
        "mem:0x1000/3| a breakpoint watches 1, 2, 4 or 8 bytes, not '3'",
        "mem:0x1000/:w| a breakpoint watches 1, 2, 4 or 8 bytes, not ''",
        "mem:0x1000:q| unknown breakpoint access 'q' (expected r, w, rw or x)",
        "mem:0x1000:| unknown breakpoint access '' (expected r, w, rw or x)",
        "mem:0x1000:rwx| an execute breakpoint cannot also watch data: 'rwx' (use x alone, or r, w, rw)",
        "mem:0x1000/4:x| an execute breakpoint has the length of an instruction pointer, 8, not 4",
        "mem:0x10zz| breakpoint address '0x10zz' is not a decimal or 0x-hexadecimal number",
        "mem:0x10000000000000000| breakpoint address '0x10000000000000000' is too large",
        "mem:jiff-ies| 'jiff-ies' is neither an address nor a kernel symbol",
        "mem:jiffies+| offset '' is missing",
        "mem:jiffies x=%di| a breakpoint takes no arguments",
        "sched:| nothing after 'sched:'",
        ":sched_switch| empty tracepoint subsystem",
        "sched:sched-switch| tracepoint event 'sched-switch' may hold only letters, digits, '_', '*' and '?'",
        "sch ed:x| tracepoint subsystem 'sch ed' may hold only letters, digits, '_', '*' and '?'",
        "sched:sched_switch x=%di| a tracepoint takes no arguments",
        "a:b:c| a tracepoint is subsystem:event, with one ':'",
        "tp:| nothing after 'tp:'",
        "tp:probe:do_sys_open| 'probe:' is a probe prefix, not a tracepoint subsystem: write it without 'tp:'",
        "tp:sdt| 'sdt:' is a probe prefix, not a tracepoint subsystem: write it without 'tp:'",
        "tp:tp:x| 'tp:' is a probe prefix, not a tracepoint subsystem: write it without 'tp:'",
        "tp:sys-calls| tracepoint subsystem 'sys-calls' may hold only letters, digits, '_', '*' and '?'",
        "ftrace:graph| the only ftrace event is ftrace:function, not ftrace:graph",
        "ftrace:function x=%di| ftrace:function takes no arguments",
        "probe:| nothing after 'probe:'",
        "probe: do_sys_open| nothing after 'probe:'",
        "probe:%return| a kprobe needs a kernel symbol: probe:SYMBOL[+OFFSET][%return]",
        "probe:do_sys_open%entry| unknown probe suffix in 'do_sys_open%entry' (only %return exists)",
        "probe:0xffffffff81000000| a kprobe attaches to a kernel symbol, not '0xffffffff81000000' (raw kernel addresses are not supported)",
        "probe:vfs-read| malformed kernel symbol 'vfs-read'",
        "probe:vfs_read+| kprobe offset '' is missing",
        "probe:vfs_read+zz| kprobe offset 'zz' is not a decimal or 0x-hexadecimal number",
        "probe:vfs_read+0x| kprobe offset '0x' is not a decimal or 0x-hexadecimal number",
        "probe:vfs_read+0x10000000000000000| kprobe offset '0x10000000000000000' is too large",
        "probe:vfs_read+4%return| a return probe attaches to a function entry; drop the offset +4 or the %return",
        "probe:vfs_read %di| fetch argument '%di' needs a name: NAME=FETCHARG",
        "probe:vfs_read =%di| fetch argument '=%di': the name before '=' is empty",
        "probe:vfs_read 1x=%di| fetch argument '1x=%di': the name '1x' is not a C identifier",
        "probe:vfs_read a.b=%di| fetch argument 'a.b=%di': the name 'a.b' is not a C identifier",
        "probe:vfs_read x=| fetch argument 'x=': nothing to fetch",
        "probe:vfs_read x=%di y=%si x=%dx| fetch argument name 'x' is used twice",
        "probe:vfs_read x=%| fetch argument 'x=%': '%' is not a register (%di, %ax, %r8, ...)",
        "probe:vfs_read x=di| fetch argument 'x=di': 'di' is not a fetch argument: expected %REG, @ADDR, @SYM, $stack, $stackN, $retval, $argN, $comm or +OFFS(FETCHARG)",
        "probe:vfs_read x=$retval| fetch argument 'x=$retval': $retval exists only in return probes (%return)",
        "probe:vfs_read x=$arg0| fetch argument 'x=$arg0': function arguments count from $arg1",
        "probe:vfs_read x=$argx| fetch argument 'x=$argx': $arg index 'x' is not a decimal number",
        "probe:vfs_read+4 x=$arg1| fetch argument 'x=$arg1': $argN exists only in a kprobe on a function entry (no offset, no %return)",
        "probe:vfs_read%return x=$arg1| fetch argument 'x=$arg1': $argN exists only in a kprobe on a function entry (no offset, no %return)",
        "probe:vfs_read x=$stackk| fetch argument 'x=$stackk': $stack index 'k' is not a decimal number",
        "probe:vfs_read x=$pid| fetch argument 'x=$pid': unknown variable '$pid' (expected $stack, $stackN, $retval, $argN, $comm)",
        "probe:vfs_read x=$comm:u32| fetch argument 'x=$comm:u32': $comm is always a string, not u32",
        "probe:vfs_read x=@| fetch argument 'x=@': '@' needs an address or a symbol",
        "probe:vfs_read x=@0xzz| fetch argument 'x=@0xzz': address '0xzz' is not a decimal or 0x-hexadecimal number",
        "probe:vfs_read x=@jiffies+| fetch argument 'x=@jiffies+': symbol offset '' is missing",
        "probe:vfs_read x=@-4| fetch argument 'x=@-4': '@-4' is neither an address nor a data symbol",
        "probe:vfs_read x=+4| fetch argument 'x=+4': a dereference is +OFFS(FETCHARG), not '+4'",
        "probe:vfs_read x=+4(%di| fetch argument 'x=+4(%di': a dereference is +OFFS(FETCHARG), not '+4(%di'",
        "probe:vfs_read x=+(%di)| fetch argument 'x=+(%di)': dereference offset '' is missing",
        "probe:vfs_read x=+4()| fetch argument 'x=+4()': nothing to fetch",
        "probe:vfs_read x=+4($comm)| fetch argument 'x=+4($comm)': $comm is a string and cannot be dereferenced",
        "probe:vfs_read x=%di:| fetch argument 'x=%di:': empty type after ':'",
        "probe:vfs_read x=%di:u7| fetch argument 'x=%di:u7': unknown type 'u7' (u8..u64, s8..s64, x8..x64, string, ustring, symbol, bWIDTH@OFFSET/SIZE)",
        "probe:vfs_read x=%di:int| fetch argument 'x=%di:int': unknown type 'int' (u8..u64, s8..s64, x8..x64, string, ustring, symbol, bWIDTH@OFFSET/SIZE)",
        "probe:vfs_read x=%di:string| fetch argument 'x=%di:string': a string reads memory: use +0(...) around the register that holds its address",
        "probe:vfs_read x=$stack1:ustring| fetch argument 'x=$stack1:ustring': a ustring reads memory: use +0(...) around the stack that holds its address",
        "probe:vfs_read x=$stack1:x8[8]| fetch argument 'x=$stack1:x8[8]': an array type reads memory: use it on @ADDR or +OFFS(...), not on a stack",
        "probe:vfs_read x=+0(%di):x8[0]| fetch argument 'x=+0(%di):x8[0]': array length 0 is outside 1..63",
        "probe:vfs_read x=+0(%di):x8[64]| fetch argument 'x=+0(%di):x8[64]': array length 64 is outside 1..63",
        "probe:vfs_read x=+0(%di):x8[| fetch argument 'x=+0(%di):x8[': an array type is TYPE[N], not 'x8['",
        "probe:vfs_read x=%di:b4@2| fetch argument 'x=%di:b4@2': a bitfield type is bWIDTH@OFFSET/SIZE, not 'b4@2'",
        "probe:vfs_read x=%di:b4@2/12| fetch argument 'x=%di:b4@2/12': a bitfield container is 8, 16, 32 or 64 bits, not 12",
        "probe:vfs_read x=%di:b7@2/8| fetch argument 'x=%di:b7@2/8': bitfield b7@2/8 does not fit its 8-bit container",
        "probe:vfs_read x=%di:b0@0/8| fetch argument 'x=%di:b0@0/8': bitfield b0@0/8 does not fit its 8-bit container",
        "probe:/lib/libc.so.6| a uprobe is probe:/PATH:SYMBOL[+OFFSET] or probe:/PATH:0xADDRESS",
        "probe:/lib/libc.so.6:| a uprobe needs a symbol or an address after '/lib/libc.so.6:'",
        "probe:/lib/libc.so.6:%return| a uprobe needs a symbol or an address after '/lib/libc.so.6:'",
        "probe:/a:b:c| a uprobe path must not contain ':'",
        "probe:/lib/libc.so.6:malloc%ret| unknown probe suffix in '/lib/libc.so.6:malloc%ret' (only %return exists)",
        "probe:/bin/prog:0x40zz| uprobe address '0x40zz' is not a decimal or 0x-hexadecimal number",
        "probe:/bin/prog:main+x| uprobe offset 'x' is not a decimal or 0x-hexadecimal number",
        "probe:/bin/prog:ma-in| malformed function symbol 'ma-in'",
        "probe:/bin/prog:main x=$arg1| fetch argument 'x=$arg1': $argN exists only in kprobes; use registers in a uprobe",
        "probe:/bin/prog:main x=$retval| fetch argument 'x=$retval': $retval exists only in return probes (%return)",
        "probe:/bin/prog:main x=@errno| fetch argument 'x=@errno': a uprobe fetches memory at @ADDR or @+OFFSET, not at a symbol '@errno'",
        "probe:/bin/prog:main x=+u0(%di)| fetch argument 'x=+u0(%di)': '+u' (user-memory dereference) is for kprobes; a uprobe reads user memory already",
        "probe:/bin/prog:main x=zz| fetch argument 'x=zz': 'zz' is not a fetch argument: expected %REG, @ADDR, @+OFFSET, $stack, $stackN, $retval, $comm or +OFFS(FETCHARG)",
        "probe:/a,b:f| a probed path cannot contain ',', '{' or '}': '/a,b'",
        "probe:/a{b:f| a probed path cannot contain ',', '{' or '}': '/a{b'",
        "sdt:/a}b:f| a probed path cannot contain ',', '{' or '}': '/a}b'",
        "sdt:lib.so:x| an SDT marker is sdt:/PATH:NAME, with an absolute path",
        "sdt:/lib64/libc.so.6| an SDT marker is sdt:/PATH:NAME; the marker name is missing",
        "sdt:/lib64/libc.so.6:| empty SDT marker name",
        "sdt:/lib64/libc.so.6:a:b| an SDT path must not contain ':'",
        "sdt:/lib64/libc.so.6:a-b| SDT marker name 'a-b' may hold only letters, digits, '_', '*' and '?'",
        "sdt:/lib64/libc.so.6:a x=%di| an SDT marker takes no arguments",
        "tick-| tick needs a period: tick-N<unit>, like tick-10ms",
        "tick-ms| tick needs a period: tick-N<unit>, like tick-10ms",
        "profile-10| profile period 10 has no unit (s, sec, ms, msec, us, usec)",
        "profile-10ns| unknown time unit 'ns' (s, sec, ms, msec, us, usec)",
        "tick-10 ms| unknown time unit ' ms' (s, sec, ms, msec, us, usec)",
        "tick-0s| tick period must be positive, not 0s",
        "tick-9223372036854775807us| tick period 9223372036854775807us is too long",
        "tick-99999999999999999999s| tick period 99999999999999999999s is too long",
    })
    void errors(String text, String reason) {
        assertEquals(reason, rejects(text));
    }

    // ------------------------------------------------------------ validate / format of built probes

    @Test
    void validateChecksFetchArgsInContext() {
        Probe entry = new Probe.Kprobe(S, "f", 0, false, List.of(arg("r", "$retval")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProbeSpecs.validate(entry));
        assertEquals("invalid eventdef 'probe:f r=$retval': fetch argument 'r=$retval': $retval exists only in return probes (%return)",
                e.getMessage());
        Probe twice = new Probe.Uprobe(S, "/bin/x", "f", 0, false, List.of(arg("a", "%di"), arg("a", "%si")));
        assertThrows(IllegalArgumentException.class, () -> ProbeSpecs.format(twice));
    }

    @Test
    void validateRejectsPathsATraceHeaderWouldSplit() {
        assertThrows(IllegalArgumentException.class,
                () -> ProbeSpecs.validate(new Probe.Uprobe(S, "/a,b", "f", 0, false, List.of())));
        assertThrows(IllegalArgumentException.class, () -> ProbeSpecs.format(new Probe.Sdt(S, "/x{", "m")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"probe", "sdt", "ftrace", "tp", "perf", "mem"})
    void tracepointsInReservedSubsystemsHaveNoTextForm(String subsystem) {
        Probe p = new Probe.Tracepoint(S, subsystem, "function");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProbeSpecs.format(p));
        assertTrue(e.getMessage().contains("'" + subsystem + "'"), e.getMessage());
    }
}
