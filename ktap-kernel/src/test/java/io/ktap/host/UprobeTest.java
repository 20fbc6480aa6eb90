package io.ktap.host;

import static io.ktap.host.SyscallCountTest.awaitExit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Uprobes and uretprobes on a function of a real binary, created in tracefs and removed after. */
class UprobeTest {
    private static final int M = 1_500;

    private Path target;

    @BeforeEach
    void setUp() throws Exception {
        NativeHelpers.assumeHostTracing();
        target = NativeHelpers.binary("uprobe_target");
    }

    @ParameterizedTest(name = "gcc {0}")
    @ValueSource(strings = {"-pie", "-no-pie"})
    void uprobeCountsEveryCallAndUretprobeSeesEveryReturnValue(String pie) throws Exception {
        Path target = NativeHelpers.binary("uprobe_target", pie);
        ProcessBuilder cmd = new ProcessBuilder(target.toString(), Integer.toString(M));
        String group;
        List<String> created;
        try (HostTracer tracer = HostTracer.open(HostOptions.command(cmd))) {
            AttachedEvent entry = tracer.attachUprobe(target, "ktap_work", false, List.of("x=%di:s32"), null);
            AttachedEvent exit = tracer.attachUprobe(target, "ktap_work", true, List.of(), null);
            assertEquals(AttachedEvent.Kind.UPROBE, entry.kind());
            assertEquals(AttachedEvent.Kind.URETPROBE, exit.kind());
            group = tracer.probeGroup();
            created = uprobeEventsOf(tracer.tracefs(), group);
            assertEquals(2, created.size(), "both probes are defined in tracefs: " + created);

            FieldFormat x = entry.format().orElseThrow().field("x").orElseThrow();
            FieldFormat ret = exit.format().orElseThrow().field("ret").orElseThrow();
            Set<Long> arguments = new TreeSet<>();
            Set<Long> returns = new TreeSet<>();
            long[] counts = new long[2];
            SampleHandler handler = new SampleHandler() {
                @Override
                public void onSample(SampleView s) {
                    if (s.event() == entry) {
                        counts[0]++;
                        arguments.add(s.integer(x));
                    } else if (s.event() == exit) {
                        counts[1]++;
                        returns.add(s.integer(ret));
                    }
                }

                @Override
                public void onLost(int cpu, long count) {
                    throw new AssertionError("lost " + count + " samples on cpu " + cpu);
                }
            };
            tracer.start();
            awaitExit(tracer.command().orElseThrow());
            SyscallCountTest.pollUntilTargetExited(tracer, handler);
            tracer.finish(handler);

            assertEquals(M, counts[0], "uprobe hits");
            assertEquals(M, counts[1], "uretprobe hits");
            Set<Long> expectedArgs = new TreeSet<>();
            Set<Long> expectedReturns = new TreeSet<>();
            for (long i = 0; i < M; i++) {
                expectedArgs.add(i);
                expectedReturns.add(3 * i + 1);
            }
            assertEquals(expectedArgs, arguments, "first argument (%di) of every call");
            assertEquals(expectedReturns, returns, "return value of every call");
        }
        Tracefs tracefs = Tracefs.open();
        assertEquals(List.of(), uprobeEventsOf(tracefs, group), "probe events removed on close");
        for (String event : created) {
            assertFalse(Files.exists(tracefs.root().resolve("events").resolve(group)), event);
        }
    }

    @Test
    void unknownFunctionIsReportedAndNothingIsLeftBehind() throws Exception {
        try (HostTracer tracer = HostTracer.open(HostOptions.systemWide())) {
            HostException e = assertThrows(HostException.class,
                    () -> tracer.attachUprobe(target, "no_such_function", false, List.of(), null));
            assertTrue(e.getMessage().contains("no function 'no_such_function'"), e.getMessage());
            HostException bad = assertThrows(HostException.class,
                    () -> tracer.attachUprobe(target, "ktap_work", false, List.of("x=%nosuchreg"), null));
            assertTrue(bad.getMessage().contains("uprobe_events"), bad.getMessage());
            assertEquals(List.of(), uprobeEventsOf(tracer.tracefs(), tracer.probeGroup()));
        }
    }

    @Test
    void kprobesAreReportedClearlyWhereTheKernelHasNone() throws Exception {
        try (HostTracer tracer = HostTracer.open(HostOptions.systemWide())) {
            if (tracer.tracefs().hasKprobeEvents()) {
                AttachedEvent e = tracer.attachKprobe("do_sys_openat2", 0, false, List.of(), null);
                assertEquals(AttachedEvent.Kind.KPROBE, e.kind());
            } else {
                HostException e = assertThrows(HostException.class,
                        () -> tracer.attachKprobe("do_sys_openat2", 0, false, List.of(), null));
                assertTrue(e.getMessage().contains("cannot create kprobes"), e.getMessage());
            }
        }
    }

    @Test
    void staleGroupsOfDeadProcessesAreRemovedAndLiveOnesKept() throws Exception {
        Tracefs tracefs = Tracefs.open();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long self = ProcessHandle.current().pid();
        long selfStart = ProbeEvents.startTime(self);
        // A crashed ktap process; and one whose pid was since reused by a process started later.
        ProbeEvents dead = new ProbeEvents(tracefs, ProbeEvents.groupName(gone.pid(), 12345));
        ProbeEvents reused = new ProbeEvents(tracefs, ProbeEvents.groupName(self, selfStart + 1));
        ProbeEvents live = new ProbeEvents(tracefs, ProbeEvents.groupName(self, selfStart));
        long offset = ElfFile.open(target).fileOffset(
                ElfFile.open(target).function("ktap_work").orElseThrow().value()).orElseThrow();
        dead.createUprobe(false, target, offset, "crashed", List.of());
        reused.createUprobe(true, target, offset, "crashed", List.of());
        live.createUprobe(false, target, offset, "mine", List.of());
        try {
            ProbeEvents.StaleCleanup cleanup;
            try (HostTracer tracer = HostTracer.open(HostOptions.systemWide())) {
                cleanup = tracer.staleCleanup();
            }
            assertEquals(List.of(), cleanup.failed());
            assertTrue(cleanup.removed().contains(dead.group() + "/p_crashed_0"), cleanup.removed().toString());
            assertTrue(cleanup.removed().contains(reused.group() + "/r_crashed_0"), cleanup.removed().toString());
            assertEquals(List.of(), uprobeEventsOf(tracefs, dead.group()));
            assertEquals(List.of(), uprobeEventsOf(tracefs, reused.group()));
            assertEquals(1, uprobeEventsOf(tracefs, live.group()).size(), "a live process's events stay");
        } finally {
            assertEquals(List.of(), live.removeAll());
        }
        assertEquals(List.of(), uprobeEventsOf(tracefs, live.group()));
    }

    /** Lines of uprobe_events in a group. */
    static List<String> uprobeEventsOf(Tracefs tracefs, String group) throws Exception {
        return Files.readAllLines(tracefs.root().resolve("uprobe_events")).stream()
                .filter(l -> l.contains(":" + group + "/"))
                .toList();
    }
}
