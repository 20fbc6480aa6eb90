package io.ktap.host;

import static io.ktap.host.SyscallCountTest.awaitExit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Raw tracepoint records from the real kernel decoded with their tracefs formats. */
class TracepointDecodingTest {
    private Path helper;

    @BeforeEach
    void setUp() throws Exception {
        NativeHelpers.assumeHostTracing();
        helper = NativeHelpers.binary("getppid_loop");
    }

    @Test
    void execAndExitRecordsDecodeDataLocAndFixedStrings() throws Exception {
        ProcessBuilder cmd = new ProcessBuilder(helper.toString(), "3");
        try (HostTracer tracer = HostTracer.open(HostOptions.command(cmd))) {
            AttachedEvent exec = tracer.attachTracepoint(new EventRef("sched", "sched_process_exec"), null);
            AttachedEvent exit = tracer.attachTracepoint(new EventRef("sched", "sched_process_exit"), null);
            AttachedEvent enter = tracer.attachTracepoint(new EventRef("syscalls", "sys_enter_getppid"), null);
            Counter counter = new Counter(s -> true);
            tracer.start();
            Process child = tracer.command().orElseThrow();
            awaitExit(child);
            tracer.finish(counter);

            List<Sample> execs = counter.kept.stream().filter(s -> s.event() == exec).toList();
            List<Sample> exits = counter.kept.stream().filter(s -> s.event() == exit).toList();
            assertEquals(1, execs.size(), "one exec, and the wrapper shell's own exec is not seen");
            assertEquals(1, exits.size());
            assertEquals(3, counter.kept.stream().filter(s -> s.event() == enter).count());

            EventFormat execFormat = exec.format().orElseThrow();
            FieldFormat filename = execFormat.field("filename").orElseThrow();
            assertEquals(FieldFormat.Kind.DATA_LOC_STRING, filename.kind());
            Sample e = execs.get(0);
            assertEquals(helper.toString(), e.string(filename));
            assertEquals(child.pid(), e.integer(execFormat.field("pid").orElseThrow()));
            assertEquals(child.pid(), e.pid());

            EventFormat exitFormat = exit.format().orElseThrow();
            FieldFormat comm = exitFormat.field("comm").orElseThrow();
            assertEquals(FieldFormat.Kind.CHAR_ARRAY, comm.kind());
            assertEquals("getppid_loop", exits.get(0).string(comm));
            assertEquals(child.pid(), exits.get(0).integer(exitFormat.field("pid").orElseThrow()));
            assertTrue(execs.get(0).time() <= exits.get(0).time(), "CLOCK_MONOTONIC order");
            assertTrue(e.time() > 0 && e.time() <= System.nanoTime(), "stamped with System.nanoTime's clock");
        }
    }

    @Test
    void globsResolveAgainstAvailableEvents() throws Exception {
        Tracefs tracefs = Tracefs.open();
        assertEquals(List.of(new EventRef("syscalls", "sys_enter_getppid")),
                tracefs.resolve("syscalls:sys_enter_getppi?"));
        assertEquals(List.of(new EventRef("syscalls", "sys_enter_getppid"), new EventRef("syscalls", "sys_exit_getppid")),
                tracefs.resolve("syscalls:sys_*_getppid"));
        List<EventRef> enters = tracefs.resolve("syscalls:sys_enter_*");
        assertTrue(enters.size() > 100, "hundreds of syscalls: " + enters.size());
        assertTrue(enters.stream().allMatch(e -> e.event().startsWith("sys_enter_")));
        assertEquals(List.of(new EventRef("sched", "sched_switch")), tracefs.resolve("sched_switch"));
        assertEquals(List.of(), tracefs.resolve("nosuchsystem:*"));
        assertFalse(tracefs.resolve("*:*").isEmpty());
        assertEquals(tracefs.eventId(new EventRef("sched", "sched_switch")),
                tracefs.format(new EventRef("sched", "sched_switch")).id());
    }

    @Test
    void everyAvailableEventFormatParses() throws Exception {
        Tracefs tracefs = Tracefs.open();
        int parsed = 0;
        for (EventRef ref : tracefs.availableEvents()) {
            EventFormat f = tracefs.format(ref);
            assertEquals(ref.event(), f.name());
            assertEquals(4, f.commonFields().size(), ref.toString());
            for (FieldFormat field : f.fields()) {
                assertTrue(field.offset() >= 8, ref + " " + field);
            }
            parsed++;
        }
        assertTrue(parsed > 1000, "parsed " + parsed);
    }
}
