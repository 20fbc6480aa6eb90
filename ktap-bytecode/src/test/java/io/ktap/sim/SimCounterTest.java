package io.ktap.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.ast.Probe.Breakpoint.Access;
import io.ktap.trace.TraceException;
import io.ktap.trace.TraceOptions;
import io.ktap.vm.Scripts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Perf events and hardware breakpoints on the simulated kernel: sampling, context, matching. */
class SimCounterTest {

    private static final SimTask CAT = SimTask.of(4242, "cat");

    @Test
    void aSoftwareEventRunsItsHandlerOnEveryOccurrenceByDefault() {
        SimKernel k = new SimKernel().current(CAT, 1);
        SimSession s = Scripts.start(k, """
                var n = 0
                trace page-faults { n += 1; printf("%s %d %s %d ip=%x period=%d\\n", argname, pid, execname, cpu, arg1, arg2) }
                """, TraceOptions.defaults());
        assertEquals(3, s.countPerf("page-faults", 3, 0x401136));
        assertEquals(0, s.countPerf("context-switches", 5, 0x401136));
        assertEquals(3L, s.global("n"));
        assertEquals("page-faults 4242 cat 1 ip=401136 period=1\n".repeat(3), s.printed());
    }

    @Test
    void aSamplePeriodRunsTheHandlerOnceEveryPeriodAndCarriesTheRestPerCpu() {
        SimKernel k = new SimKernel().current(CAT, 0);
        SimSession s = Scripts.start(k, "var n = {}\ntrace perf:faults/period=10/ { n[cpu] += 1; print(arg2) }",
                TraceOptions.defaults());
        assertEquals(0, s.countPerf("minor-faults", 100));  // another counter
        assertEquals(0, s.countPerf("faults", 7));
        assertEquals(1, s.countPerf("page-faults", 7));     // 14: one sample, 4 left
        assertEquals(2, s.countPerf("faults", 16));         // 20: two more, 0 left
        assertEquals(0, s.countPerfAs(CAT, 1, "faults", 9, 0));  // cpu 1 counts apart
        assertEquals(1, s.countPerfAs(CAT, 1, "faults", 1, 0));
        assertEquals(Map.of(0L, 3L, 1L, 1L), s.table("n"));
        assertEquals("10\n".repeat(4), s.printed());
    }

    @Test
    void aFrequencyRunsOncePerBatchWithThePeriodItStandsFor() {
        SimSession s = Scripts.start(new SimKernel(), "trace cycles { print(argname, arg2) }", TraceOptions.defaults());
        assertEquals(1, s.countPerf("cpu-cycles", 2_000_000));
        assertEquals(0, s.countPerf("cycles", 0));
        assertEquals("cycles\t2000000\n", s.printed());
    }

    @Test
    void argeventIsATraceLine() {
        SimKernel k = new SimKernel().current(CAT, 1);
        SimSession s = Scripts.start(k, "trace cs { print(argevent) }\ntrace mem:0x601040/4:w { print(argevent) }",
                TraceOptions.defaults());
        s.countPerf("cs", 1, 0xffffffff81a0b0c5L);
        s.access(Access.W, 0x601040, 4, 0x401136);
        assertEquals("             cat-4242    [001] .....   100.000000: context-switches: ip=0xffffffff81a0b0c5 period=1\n"
                + "             cat-4242    [001] .....   100.000000: mem:0x601040/4:w: addr=0x601040 ip=0x401136\n",
                s.printed());
    }

    @Test
    void clocksAdvanceWithTheClock() {
        SimKernel k = new SimKernel().cpus(2).current(CAT, 1);
        SimSession s = Scripts.start(k, """
                var c, t = {}, 0
                trace perf:cpu-clock/period=1000000/ { c[cpu] += 1 }
                trace task-clock/freq=100/ { t += 1; print(execname, cpu, arg2) }
                """, TraceOptions.defaults());
        s.advance(Duration.ofMillis(25));
        assertEquals(Map.of(0L, 25L, 1L, 25L), s.table("c"));
        assertEquals(2L, s.global("t"));
        assertEquals("cat\t1\t10000000\n".repeat(2), s.printed());
        assertThrows(IllegalArgumentException.class, () -> s.countPerf("cpu-clock", 10));
    }

    @Test
    void breakpointsFireOnTheAccessesTheyWatch() {
        SimKernel k = new SimKernel().current(CAT, 0);
        SimSession s = Scripts.start(k, """
                var w, rw, x = 0, 0, 0
                trace mem:0x601040/4:w { w += 1 }
                trace mem:0x601040/8 { rw += 1 }
                trace mem:0x401000:x { x += 1 }
                """, TraceOptions.defaults());
        assertEquals(2, s.access(Access.W, 0x601040, 4, 0x401136));
        assertEquals(2, s.access(Access.W, 0x601043, 1, 0x401136));   // the last watched byte
        assertEquals(1, s.access(Access.W, 0x601044, 4, 0x401136));   // only the 8-byte watch
        assertEquals(0, s.access(Access.W, 0x601048, 8, 0x401136));   // past both
        assertEquals(2, s.access(Access.W, 0x601038, 16, 0x401136));  // straddles both
        assertEquals(1, s.access(Access.R, 0x601040, 4, 0x401136));   // reads: rw only
        assertEquals(1, s.access(Access.X, 0x401000, 1, 0x401000));
        assertEquals(0, s.access(Access.W, 0x401000, 8, 0x401000));   // a write is no execution
        assertEquals(3L, s.global("w"));
        assertEquals(5L, s.global("rw"));
        assertEquals(1L, s.global("x"));
        assertThrows(IllegalArgumentException.class, () -> s.access(Access.RW, 0x601040, 4, 0));
    }

    @Test
    void aBreakpointOnAKernelSymbolWatchesItsAddress() {
        SimKernel k = new SimKernel();
        long jiffies = k.symbol("jiffies", 8).address();
        SimSession s = Scripts.start(k, "trace mem:jiffies/8:w { print(ipof(arg1), arg1 == arg2 - 7, execname, in_interrupt()) }",
                TraceOptions.defaults());
        assertEquals(1, s.accessAs(SimTask.of(0, "swapper/0"), 0, Access.W, jiffies, 8, jiffies + 7));
        assertEquals("jiffies+0x0/0x8\ttrue\tswapper/0\tfalse\n", s.printed());
    }

    @Test
    void theTargetOptionsNarrowCountersToo() {
        SimKernel k = new SimKernel().current(CAT, 0);
        SimSession s = Scripts.start(k, "var n = 0\ntrace cs, mem:0x1000/8:rw { n += 1 }",
                TraceOptions.defaults().pid(4242).cpu(1));
        assertEquals(0, s.countPerf("cs", 1));                                  // cpu 0
        assertEquals(1, s.countPerfAs(CAT, 1, "cs", 1, 0));
        assertEquals(0, s.countPerfAs(SimTask.of(7, "other"), 1, "cs", 1, 0));  // another process
        assertEquals(1, s.accessAs(CAT, 1, Access.R, 0x1000, 8, 0));
        assertEquals(2L, s.global("n"));
    }

    @Test
    void aPerfEventHasTwoFields() {
        SimSession s = Scripts.start(new SimKernel(), "trace cs { print(arg1, arg2, arg3) }", TraceOptions.defaults());
        s.countPerf("cs", 1, 5);
        assertEquals("5\t1\tnil\n", s.printed());
    }

    @Test
    void readOnlyWatchpointsAreRefusedOnX86() {
        TraceException e = assertThrows(TraceException.class,
                () -> Scripts.start(new SimKernel(), "trace mem:0x601040/4:r { }", TraceOptions.defaults()));
        assertTrue(e.getMessage().contains("x86 breakpoints cannot watch reads alone"), e.getMessage());
        SimSession arm = Scripts.start(new SimKernel().arch("aarch64"), "var n = 0\ntrace mem:0x601040/4:r { n += 1 }",
                TraceOptions.defaults());
        assertEquals(1, arm.access(Access.R, 0x601040, 4, 0));
        assertEquals(0, arm.access(Access.W, 0x601040, 4, 0));
    }

    @Test
    void exitInAHandlerStopsCounting() {
        SimSession s = Scripts.start(new SimKernel(), "var n = 0\ntrace faults { n += 1; if (n == 2) { exit() } }",
                TraceOptions.defaults());
        assertEquals(2, s.countPerf("faults", 5));
        assertTrue(s.hasEnded());
        assertEquals(0, s.countPerf("faults", 5));
    }
}
