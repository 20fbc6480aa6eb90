package io.ktap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real kernel, real events: a child issues getppid() exactly N times and the tracer must count
 * exactly N sys_enter_getppid samples for that pid, in each targeting mode.
 */
class SyscallCountTest {
    private static final EventRef GETPPID = new EventRef("syscalls", "sys_enter_getppid");
    private static final int N = 2_000;

    private Path helper;

    @BeforeEach
    void setUp() throws Exception {
        NativeHelpers.assumeHostTracing();
        helper = NativeHelpers.binary("getppid_loop");
    }

    @Test
    void commandIsTracedFromItsExecExactly() throws Exception {
        ProcessBuilder cmd = new ProcessBuilder(helper.toString(), Integer.toString(N));
        try (HostTracer tracer = HostTracer.open(HostOptions.command(cmd))) {
            AttachedEvent event = tracer.attachTracepoint(GETPPID, null);
            Process child = tracer.command().orElseThrow();
            Counter counter = new Counter(s -> s.event() == event && s.pid() == child.pid());
            tracer.start();
            awaitExit(child);
            pollUntilTargetExited(tracer, counter);
            tracer.finish(counter);

            assertEquals(N, counter.matched);
            assertEquals(N, counter.all, "a per-task event sees only its task");
            assertEquals(0, counter.lost);
            assertEquals(new HostTracer.EventCounts(N, 0), tracer.counts(event));
            for (Sample s : counter.kept) {
                assertEquals(child.pid(), s.tid());
                assertEquals(GETPPID_ID(tracer), s.event().format().orElseThrow().id());
            }
        }
    }

    private static int GETPPID_ID(HostTracer tracer) throws HostException {
        return tracer.tracefs().eventId(GETPPID);
    }

    @Test
    void runningProcessAndItsForkedChildAreCountedExactly() throws Exception {
        int forked = 321;
        Process child = new ProcessBuilder(helper.toString(), Integer.toString(N), "wait", "fork=" + forked).start();
        try (HostTracer tracer = HostTracer.open(HostOptions.process((int) child.pid()))) {
            AttachedEvent event = tracer.attachTracepoint(GETPPID, null);
            Counter parent = new Counter(s -> s.pid() == child.pid());
            Counter both = new Counter(s -> s.event() == event);
            SampleHandler tee = tee(parent, both);
            tracer.start();
            release(child);
            awaitExit(child);
            pollUntilTargetExited(tracer, tee);
            tracer.finish(tee);

            assertEquals(N, parent.matched, "the traced process itself");
            assertEquals(N + forked, both.matched, "inherited into the forked child");
            assertEquals(0, both.lost);
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void systemWideTracingFilteredByPidCountsExactly() throws Exception {
        Process child = new ProcessBuilder(helper.toString(), Integer.toString(N), "wait").start();
        try (HostTracer tracer = HostTracer.open(HostOptions.systemWide())) {
            AttachedEvent event = tracer.attachTracepoint(GETPPID, null);
            Counter counter = new Counter(s -> s.event() == event && s.pid() == child.pid());
            tracer.start();
            release(child);
            awaitExit(child);
            tracer.finish(counter);

            assertEquals(N, counter.matched);
            assertEquals(0, counter.lost);
            assertTrue(!tracer.targetExited(), "system-wide tracing has no target to exit");
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void kernelFilterSelectsThePid() throws Exception {
        Process child = new ProcessBuilder(helper.toString(), Integer.toString(N), "wait").start();
        try (HostTracer tracer = HostTracer.open(HostOptions.systemWide())) {
            tracer.attachTracepoint(GETPPID, "common_pid == " + child.pid());
            Counter counter = new Counter(s -> true);
            tracer.start();
            release(child);
            awaitExit(child);
            tracer.finish(counter);

            assertEquals(N, counter.all, "only the filtered pid reaches the ring");
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void onlyTheSelectedCpuIsTraced() throws Exception {
        List<Integer> cpus = HostSupport.onlineCpus();
        int pinned = cpus.get(cpus.size() - 1);
        for (int traced : cpus.size() > 1 ? List.of(pinned, cpus.get(0)) : List.of(pinned)) {
            Process child = new ProcessBuilder(helper.toString(), Integer.toString(N), "wait", "cpu=" + pinned).start();
            try (HostTracer tracer = HostTracer.open(HostOptions.systemWide().onCpu(traced))) {
                tracer.attachTracepoint(GETPPID, null);
                Counter counter = new Counter(s -> s.pid() == child.pid());
                tracer.start();
                release(child);
                awaitExit(child);
                tracer.finish(counter);

                assertEquals(List.of(traced), tracer.cpus());
                assertEquals(traced == pinned ? N : 0, counter.matched, "pinned to " + pinned + ", tracing " + traced);
                for (Sample s : counter.kept) {
                    assertEquals(pinned, s.cpu());
                }
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void aTinyRingLosesSamplesAndAccountsForEveryOne() throws Exception {
        int produced = 20_000;
        ProcessBuilder cmd = new ProcessBuilder(helper.toString(), Integer.toString(produced));
        try (HostTracer tracer = HostTracer.open(HostOptions.command(cmd).ringPages(1))) {
            AttachedEvent event = tracer.attachTracepoint(GETPPID, null);
            Counter counter = new Counter(s -> s.event() == event);
            tracer.start();
            awaitExit(tracer.command().orElseThrow());
            tracer.finish(counter);   // nothing was read while the child ran: the ring overflowed

            assertTrue(counter.lost > 0, "a one-page ring cannot hold " + produced + " samples");
            assertEquals(produced, counter.matched + counter.lost, "received + lost == produced");
            HostTracer.EventCounts counts = tracer.counts(event);
            assertEquals(produced, counts.hits());
            assertEquals(counter.lost, counts.lost());
            assertEquals(counter.lost, tracer.stats().lost());
        }
    }

    static SampleHandler tee(SampleHandler a, SampleHandler b) {
        return new SampleHandler() {
            @Override
            public void onSample(SampleView sample) {
                a.onSample(sample);
                b.onSample(sample);
            }

            @Override
            public void onLost(int cpu, long count) {
                a.onLost(cpu, count);
                b.onLost(cpu, count);
            }
        };
    }

    static void release(Process child) throws Exception {
        try (OutputStream in = child.getOutputStream()) {
            in.write('\n');
        }
    }

    static void awaitExit(Process child) throws Exception {
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
        assertEquals(0, child.exitValue(), "child exit status");
    }

    /** Polls until the kernel reports the target gone (bounded only as a guard against a hang). */
    static void pollUntilTargetExited(HostTracer tracer, SampleHandler handler) throws HostException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!tracer.targetExited()) {
            assertTrue(System.nanoTime() < deadline, "the tracer never saw the target exit");
            tracer.poll(Duration.ofMillis(200), handler);
        }
    }
}
