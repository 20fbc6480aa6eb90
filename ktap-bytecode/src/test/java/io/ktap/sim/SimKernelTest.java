package io.ktap.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.bytecode.ChunkWriter;
import io.ktap.bytecode.Codegen;
import io.ktap.trace.Backends;
import io.ktap.trace.TraceBackend;
import io.ktap.trace.TraceException;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceProgram;
import io.ktap.vm.Scripts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulated kernel: formats, event text, timers, filters, probes, sessions. */
class SimKernelTest {

    private static final String SCHED_SWITCH = """
            name: sched_switch
            ID: 372
            format:
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

            \tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;
            \tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;
            \tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;
            \tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;
            \tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;
            \tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;
            \tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;

            print fmt: "prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d next_prio=%d", REC->prev_comm, REC->prev_pid, REC->prev_prio, (REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1)) ? __print_flags(REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1), "|", { 0x00000001, "S" }, { 0x00000002, "D" }, { 0x00000004, "T" }, { 0x00000008, "t" }, { 0x00000010, "X" }, { 0x00000020, "Z" }, { 0x00000040, "P" }, { 0x00000080, "I" }) : "R", REC->prev_state & (((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) ? "+" : "", REC->next_comm, REC->next_pid, REC->next_prio
            """;

    @Test
    void parsesARealFormatFile() {
        EventFormat f = EventFormat.parse("sched", SCHED_SWITCH);
        assertEquals("sched:sched_switch", f.qualifiedName());
        assertEquals(372, f.id());
        assertEquals(4, f.common().size());
        assertEquals(List.of("prev_comm", "prev_pid", "prev_prio", "prev_state", "next_comm", "next_pid", "next_prio"),
                f.fields().stream().map(EventFormat.Field::name).toList());
        EventFormat.Field comm = f.fields().get(0);
        assertEquals("char[16]", comm.type());
        assertTrue(comm.isString());
        assertEquals(16, comm.size());
        assertEquals(5, f.fieldIndex("next_comm"));
    }

    @Test
    void rejectsTextThatIsNotAFormatFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EventFormat.parse("x", "name: x\nID: 1\nformat:\n\tfield:int;\toffset:0;\n"));
        assertTrue(e.getMessage().startsWith("line 4:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EventFormat.parse("x", "hello"));
        assertThrows(IllegalArgumentException.class, () -> EventFormat.parse("x", "name: x\n"));
    }

    /** Lines as this host's tracefs printed them (see the commit that added this test). */
    @Test
    void formatsEventsLikeTheTraceFile() {
        SimKernel k = new SimKernel();
        k.tick(Duration.ofNanos(413_821_277_000L - SimKernel.START_NANOS));
        SimEvent sw = k.newEvent("sched:sched_switch", Map.of("prev_comm", "bash", "prev_pid", 6773, "prev_prio", 120,
                "prev_state", 1, "next_comm", "swapper/0", "next_pid", 0, "next_prio", 120), SimTask.of(6773, "bash"), 0);
        assertEquals("            bash-6773    [000] d..2.   413.821277: sched_switch: prev_comm=bash prev_pid=6773"
                + " prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120", sw.text().toString());
        SimEvent running = k.newEvent("sched:sched_switch", Map.of("prev_comm", "swapper/0", "prev_state", 0,
                "next_comm", "bash", "next_pid", 6776, "next_prio", 120, "prev_prio", 120), SimTask.of(0, "<idle>"), 0);
        assertTrue(running.text().toString().startsWith("          <idle>-0       [000] d..2.   413.821277: sched_switch:"
                + " prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=bash"), running.text().toString());
        SimEvent open = k.newEvent("syscalls:sys_enter_openat", Map.of("dfd", -100, "filename", 0x559d017aa1c0L,
                "flags", 0x241, "mode", 0x1b6), SimTask.of(6773, "bash"), 0);
        assertEquals("            bash-6773    [000] .....   413.821277: sys_openat(dfd: 0xffffff9c,"
                + " filename: 0x559d017aa1c0, flags: 0x241, mode: 0x1b6)", open.text().toString());
        SimEvent close = k.newEvent("syscalls:sys_enter_close", Map.of("fd", 3), SimTask.of(22378, "bash"), 0);
        assertTrue(close.text().toString().endsWith("sys_close(fd: 3)"));
        SimEvent close11 = k.newEvent("syscalls:sys_enter_close", Map.of("fd", 11), SimTask.of(22378, "bash"), 0);
        assertTrue(close11.text().toString().endsWith("sys_close(fd: 0xb)"));
        SimEvent ret = k.newEvent("syscalls:sys_exit_close", Map.of("ret", 0), SimTask.of(22378, "bash"), 0);
        assertTrue(ret.text().toString().endsWith("sys_close -> 0x0"));
        SimEvent exec = k.newEvent("sched:sched_process_exec", Map.of("filename", "/usr/bin/sleep", "pid", 6776,
                "old_pid", 6776), SimTask.of(6776, "sleep"), 1);
        assertEquals("           sleep-6776    [001] .....   413.821277: sched_process_exec: filename=/usr/bin/sleep"
                + " pid=6776 old_pid=6776", exec.text().toString());
    }

    @Test
    void eventFieldsAreTheArgsInFormatOrder() {
        SimSession s = Scripts.start(new SimKernel(), """
                trace sched:sched_switch { print(argname, arg1, arg2, arg5, arg7, arg8) }
                trace syscalls:sys_enter_openat { print(arg1, arg2) }
                """, TraceOptions.defaults());
        s.fire("sched:sched_switch", Map.of("prev_comm", "bash", "prev_pid", 7, "next_comm", "cc1", "next_prio", 120));
        s.fire("syscalls:sys_enter_openat", Map.of("dfd", -100));
        assertEquals("sched_switch\tbash\t7\tcc1\t120\tnil\n257\t-100\n", s.printed());
    }

    @Test
    void fieldValuesFitTheFieldsSize() {
        SimSession s = Scripts.start(new SimKernel(), "trace sched:sched_switch { print(arg2) }", TraceOptions.defaults());
        s.fire("sched:sched_switch", Map.of("prev_pid", 0x1_0000_0005L));
        assertEquals("5\n", s.printed());
        assertThrows(IllegalArgumentException.class, () -> s.fire("sched:sched_switch", Map.of("nope", 1)));
        assertThrows(IllegalArgumentException.class, () -> s.fire("sched:sched_switch", Map.of("prev_pid", "x")));
        assertThrows(IllegalArgumentException.class, () -> s.fire("nosuch:event", Map.of()));
    }

    @Test
    void globsSelectEvents() {
        SimSession s = Scripts.start(new SimKernel(), """
                var n = {}
                trace syscalls:sys_enter_* { n[argname] += 1 }
                trace sched:sched_sw?tch, syscalls:sys_exit_read { n[argname] += 1 }
                """, TraceOptions.defaults());
        s.fire("syscalls:sys_enter_read");
        s.fire("syscalls:sys_enter_read");
        s.fire("syscalls:sys_exit_read");
        s.fire("syscalls:sys_exit_write");
        s.fire("sched:sched_switch");
        s.fire("sched:sched_wakeup");
        assertEquals(Map.of("sys_enter_read", 2L, "sys_exit_read", 1L, "sched_switch", 1L), s.table("n"));
    }

    @Test
    void pidAndCpuOptionsFilterEvents() {
        SimSession s = Scripts.start(new SimKernel().cpus(4), "var n = 0\ntrace syscalls:* { n += 1 }",
                TraceOptions.defaults().pid(42).cpu(1));
        s.fireAs(SimTask.of(42, "a"), 1, "syscalls:sys_enter_read", Map.of());
        s.fireAs(SimTask.of(42, "a").thread(44), 1, "syscalls:sys_enter_read", Map.of());
        s.fireAs(SimTask.of(43, "b"), 1, "syscalls:sys_enter_read", Map.of());
        s.fireAs(SimTask.of(42, "a"), 2, "syscalls:sys_enter_read", Map.of());
        assertEquals(2L, s.global("n"));
    }

    @Test
    void eventFiltersUseTheKernelsSyntax() {
        SimSession s = Scripts.start(new SimKernel(), """
                var n = 0
                trace sched:sched_switch /prev_pid > 10 && (next_comm == "ba*" || next_prio & 1)/ { n += 1 }
                """, TraceOptions.defaults());
        s.fire("sched:sched_switch", Map.of("prev_pid", 11, "next_comm", "bash"));
        s.fire("sched:sched_switch", Map.of("prev_pid", 11, "next_comm", "zsh", "next_prio", 121));
        s.fire("sched:sched_switch", Map.of("prev_pid", 11, "next_comm", "zsh", "next_prio", 120));
        s.fire("sched:sched_switch", Map.of("prev_pid", 9, "next_comm", "bash"));
        assertEquals(2L, s.global("n"));
    }

    @Test
    void ftraceFunctionFiltersBySymbol() {
        SimKernel k = new SimKernel();
        SimSession s = Scripts.start(k, "trace ftrace:function /ip==mutex*/ { print(argevent) }", TraceOptions.defaults());
        s.fire("ftrace:function", Map.of("ip", k.address("mutex_lock", 0), "parent_ip", k.address("vfs_read", 0x20)));
        s.fire("ftrace:function", Map.of("ip", k.address("vfs_write", 0), "parent_ip", k.address("ksys_write", 0x20)));
        assertEquals("        ktap-sim-1000    [000] .....   100.000000: mutex_lock <-vfs_read\n", s.printed());
    }

    @Test
    void aBadFilterFailsWhereItIsGiven() {
        TraceException e = assertThrows(TraceException.class,
                () -> new SimBackend().open(Scripts.program("trace sched:sched_switch /prev_pid >/ { }")));
        assertTrue(e.getMessage().contains("invalid event filter"), e.getMessage());
    }

    @Test
    void kprobesGetEventsWithTheirFetchArgs() {
        SimKernel k = new SimKernel();
        SimSession s = Scripts.start(k, """
                trace probe:do_sys_open dfd=%di fname=%si { print(argname, arg2, argevent) }
                trace probe:do_sys_open%return ret=$retval { print(argname, arg3) }
                """, TraceOptions.defaults());
        s.fire("kprobes:do_sys_open", Map.of("__probe_ip", k.address("do_sys_open", 0), "dfd", 3, "fname", 0x7000));
        s.fire("kprobes:do_sys_open__return", Map.of("ret", 5));
        assertEquals("do_sys_open\t3\t        ktap-sim-1000    [000] .....   100.000000: do_sys_open:"
                + " (do_sys_open+0x0/0x200) dfd=0x3 fname=0x7000\ndo_sys_open__return\t5\n", s.printed());
    }

    @Test
    void uprobesAndSdtMarkers() {
        SimKernel k = new SimKernel();
        k.define(new EventFormat("sdt_libc", "lll_futex_wake", 5000, EventFormat.standardCommon(), List.of(), ""));
        SimSession s = Scripts.start(k, """
                trace probe:/lib/libc.so.6:malloc size=%di { print(argname, arg2) }
                trace sdt:/lib64/libc.so.6:lll_* { print(argname) }
                """, TraceOptions.defaults());
        s.fire("uprobes:malloc", Map.of("size", 64));
        s.fire("sdt_libc:lll_futex_wake");
        assertEquals("malloc\t64\nlll_futex_wake\n", s.printed());
    }

    @Test
    void timersFireOnTheVirtualClock() {
        SimSession s = Scripts.start(new SimKernel().cpus(3), """
                var ticks = 0
                var samples = {}
                tick-100ms { ticks += 1 }
                profile-1s { samples[cpu()] += 1 }
                """, TraceOptions.defaults());
        s.advance(Duration.ofMillis(950));
        assertEquals(9L, s.global("ticks"));
        assertEquals(Map.of(), s.table("samples"));
        s.advance(Duration.ofMillis(2050));
        assertEquals(30L, s.global("ticks"));
        assertEquals(Map.of(0L, 3L, 1L, 3L, 2L, 3L), s.table("samples"));
        assertEquals(SimKernel.START_NANOS + 3_000_000_000L, s.kernel().now());
    }

    @Test
    void timerEventsAreInTimeOrderAcrossTimers() {
        SimSession s = Scripts.start(new SimKernel(), """
                tick-300ms { printf("a%d ", gettimeofday_ms() % 10000) }
                tick-200ms { printf("b%d ", gettimeofday_ms() % 10000) }
                """, TraceOptions.defaults());
        s.advance(Duration.ofMillis(700));
        assertEquals("b200 a300 b400 a600 b600 ", s.printed());
    }

    @Test
    void theEarlyApiOfTheLwnArticleRunsUnchanged() {
        SimSession s = Scripts.start(new SimKernel(), """
                hist = {}
                function eventfun (e) { if (e.sc_is_enter) { inplace_inc(hist, e.name) } }
                kdebug.probe("tp:syscalls", eventfun)
                kdebug.probe_end(function () { histogram(hist) })
                """, TraceOptions.defaults());
        s.fire("syscalls:sys_enter_read");
        s.fire("syscalls:sys_exit_read");
        s.fire("syscalls:sys_enter_read");
        s.fire("syscalls:sys_enter_close");
        s.fire("sched:sched_switch");
        s.close();
        assertEquals("""
                                          value ------------- Distribution ------------- count
                                 sys_enter_read |@@@@@@@@@@@@@@@@@@@@@@@@@             | 2
                                sys_enter_close |@@@@@@@@@@@@                          | 1
                """, s.printed());
    }

    @Test
    void theEventObjectPrintsItselfAndItsFields() {
        SimSession s = Scripts.start(new SimKernel(), """
                function eventfun (e) { printf("%d %d\\t%s\\t%s %d\\n", cpu(), pid(), execname(), e.tostring(), e.fd) }
                kdebug.probe("tp:syscalls:sys_enter_close", eventfun)
                """, TraceOptions.defaults());
        s.fire("syscalls:sys_enter_close", Map.of("fd", 3));
        assertEquals("0 1000\tktap-sim\t        ktap-sim-1000    [000] .....   100.000000: sys_close(fd: 3) 3\n", s.printed());
    }

    @Test
    void theSessionLifecycle() throws InterruptedException {
        SimSession s = new SimBackend().open(Scripts.program("print(\"main\")\ntrace_end { print(\"end\") }"));
        List<String> seen = new ArrayList<>();
        s.onPrint(seen::add).onClose(() -> seen.add("closed"));
        assertThrows(IllegalStateException.class, () -> s.fire("sched:sched_switch"));
        s.startAsync();
        assertThrows(IllegalStateException.class, () -> s.onPrint(x -> { }));
        assertThrows(IllegalStateException.class, s::startAsync);
        assertFalse(s.isTerminated());
        s.close();
        s.close();
        assertTrue(s.awaitTermination(Duration.ZERO));
        assertEquals(List.of("main\n", "end\n", "closed"), seen);
    }

    @Test
    void startRunsMainTheWorkloadAndTheEnd() {
        SimBackend backend = new SimBackend(new SimKernel()).withWorkload(s -> {
            s.fire("syscalls:sys_enter_read");
            s.fire("syscalls:sys_enter_read");
        });
        SimSession s = backend.open(Scripts.program("var n = 0\ntrace syscalls:sys_enter_read { n += 1 }\ntrace_end { print(n) }"));
        s.start();
        assertEquals("2\n", s.printed());
        assertTrue(s.isTerminated());
    }

    @Test
    void theSimBackendIsFoundByName() {
        TraceBackend b = Backends.sim();
        assertTrue(b.isAvailable());
        assertEquals("sim", b.name());
        assertTrue(Backends.names().contains("sim"));
    }

    @Test
    void serializedChunksLoadToo() {
        byte[] chunk = ChunkWriter.write(Codegen.compile(
                io.ktap.compiler.KtapCompiler.compile("c.kp", "print(\"from bytes\")").programOrThrow()).orThrow());
        SimSession s = new SimBackend().open(TraceProgram.ofChunk(chunk), TraceOptions.defaults());
        s.start();
        assertEquals("from bytes\n", s.printed());
        byte[] broken = java.util.Arrays.copyOf(chunk, chunk.length - 3);
        TraceException e = assertThrows(TraceException.class, () -> new SimBackend().open(TraceProgram.ofChunk(broken)));
        assertTrue(e.getMessage().startsWith("malformed chunk"), e.getMessage());
    }

    @Test
    void readsTheHostsOwnFormatFilesWhenThereAreAny() {
        java.nio.file.Path dir = java.nio.file.Path.of("/sys/kernel/tracing/events/sched");
        assertTrue(java.nio.file.Files.isReadable(dir.resolve("sched_switch/format")),
                "this host exposes no tracefs at /sys/kernel/tracing (.ci/run mounts it)");
        Map<String, EventFormat> parsed = new LinkedHashMap<>();
        try (var events = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) events::iterator) {
                java.nio.file.Path f = p.resolve("format");
                if (java.nio.file.Files.isReadable(f)) {
                    EventFormat ef = EventFormat.parse("sched", java.nio.file.Files.readString(f));
                    parsed.put(ef.name(), ef);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertTrue(parsed.containsKey("sched_switch"));
        assertEquals(7, parsed.get("sched_switch").fields().size());
    }
}
