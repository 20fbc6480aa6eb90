package io.ktap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Opening, waking, failing and closing a tracer, with the errors a user can cause. */
class TracerLifecycleTest {
    @BeforeEach
    void setUp() {
        NativeHelpers.assumeHostTracing();
    }

    @Test
    void wakeupEndsABlockedPollAndCloseIsIdempotent() throws Exception {
        HostTracer tracer = HostTracer.open(HostOptions.systemWide());
        tracer.attachTracepoint(new EventRef("syscalls", "sys_enter_getppid"), "common_pid == -1");
        tracer.start();
        Counter counter = new Counter(s -> true);
        CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> {
            try {
                return tracer.poll(Duration.ofDays(1), counter);
            } catch (HostException e) {
                throw new IllegalStateException(e);
            }
        });
        // Wake repeatedly until the poll has returned: the first wakeup may land before it blocks,
        // which is fine too (the eventfd stays readable), so this loop normally runs once.
        while (!polled.isDone()) {
            tracer.wakeup();
            try {
                polled.get(100, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException again) {
                // not yet returned
            }
        }
        assertEquals(0, polled.get());
        tracer.close();
        tracer.close();
        tracer.wakeup();
        assertThrows(IllegalStateException.class, () -> tracer.poll(Duration.ZERO, counter));
    }

    @Test
    void userMistakesAreReportedNotCrashed() throws Exception {
        try (HostTracer tracer = HostTracer.open(HostOptions.systemWide())) {
            HostException noEvent = assertThrows(HostException.class,
                    () -> tracer.attachTracepoint(new EventRef("nosuch", "event"), null));
            assertEquals("no such event: nosuch:event", noEvent.getMessage());
            HostException badFilter = assertThrows(HostException.class,
                    () -> tracer.attachTracepoint(new EventRef("syscalls", "sys_enter_getppid"), "no_such_field == 1"));
            assertTrue(badFilter.getMessage().contains("setting filter"), badFilter.getMessage());
            assertEquals(0, tracer.events().size(), "failed attachments leave nothing attached");
        }
        HostException noPid = assertThrows(HostException.class, () -> HostTracer.open(HostOptions.process(999_999_999)));
        assertTrue(noPid.getMessage().contains("no process 999999999"), noPid.getMessage());
        HostException noCpu = assertThrows(HostException.class,
                () -> HostTracer.open(HostOptions.systemWide().onCpu(4096)));
        assertTrue(noCpu.getMessage().contains("not online"), noCpu.getMessage());
    }

    @Test
    void aCommandThatCannotExecEndsTheTrace() throws Exception {
        ProcessBuilder cmd = new ProcessBuilder("/nonexistent/ktap-test-command");
        try (HostTracer tracer = HostTracer.open(HostOptions.command(cmd))) {
            tracer.attachTracepoint(new EventRef("syscalls", "sys_enter_getppid"), null);
            tracer.start();
            Process p = tracer.command().orElseThrow();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(127, p.exitValue(), "the shell's 'command not found'");
            Counter counter = new Counter(s -> true);
            SyscallCountTest.pollUntilTargetExited(tracer, counter);
            assertEquals(0, counter.all);
        }
    }

    @Test
    void profileSamplesTheCommandsCpuTimeWithCallchains() throws Exception {
        Path helper = NativeHelpers.binary("getppid_loop");
        ProcessBuilder cmd = new ProcessBuilder(helper.toString(), "300000");
        try (HostTracer tracer = HostTracer.open(HostOptions.command(cmd).callchains(32).sampleIp(true))) {
            AttachedEvent profile = tracer.attachProfile(Duration.ofMillis(1));
            assertEquals(AttachedEvent.Kind.PROFILE, profile.kind());
            assertTrue(profile.format().isEmpty());
            Process child = tracer.command().orElseThrow();
            Counter counter = new Counter(s -> s.event() == profile && s.pid() == child.pid());
            tracer.start();
            SyscallCountTest.awaitExit(child);
            tracer.finish(counter);

            long cpuNanos = tracer.counts(profile).hits();
            // A software cpu-clock counter counts nanoseconds of the task's CPU time; its hrtimer
            // fires once per elapsed 1 ms period (late firings make fewer samples, never more).
            long samples = counter.matched + counter.lost;
            assertTrue(samples >= 1 && samples <= cpuNanos / 1_000_000 + 1,
                    samples + " samples for " + cpuNanos + " ns of cpu time");
            assertEquals(counter.all, counter.matched, "per-task: only the command");
            for (Sample s : counter.kept) {
                assertEquals(0, s.raw().length);
                assertTrue(s.callchain().length > 0 && s.ip() != 0, "callchain and ip recorded");
            }
        }
    }

    @Test
    void aCommandNeverStartedIsKilledOnClose() throws Exception {
        Process p;
        try (HostTracer tracer = HostTracer.open(HostOptions.command(new ProcessBuilder("true")))) {
            p = tracer.command().orElseThrow();
            assertTrue(p.isAlive(), "held at the barrier");
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(p.exitValue() != 0, "killed, never ran");
    }
}
