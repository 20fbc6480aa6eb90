package io.ktap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.trace.TraceOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Typed records on the real kernel: handlers fed by perf samples emit records that arrive as
 * instances of the test's Java record classes, through their canonical constructors, with the
 * traced process's pid and name and the probed values.
 */
class HostRecordsTest {

    record Getppid(long pid, String comm, boolean enter) {
    }

    record WorkCall(int pid, String comm, long x) {
    }

    private final HostBackend backend = new HostBackend();

    @BeforeEach
    void setUp() {
        NativeHelpers.assumeHostTracing();
    }

    @Test
    void aSyscallTracepointEmitsOneRecordPerCall() throws Exception {
        int n = 2_000;
        Path getppid = NativeHelpers.binary("getppid_loop");
        List<Getppid> records = Collections.synchronizedList(new ArrayList<>());
        Scripts.Recorder all = new Scripts.Recorder();
        ProcessBuilder command = new ProcessBuilder(getppid.toString(), Integer.toString(n));
        try (HostSession s = backend.openCommand(Scripts.compile("""
                trace syscalls:sys_enter_getppid { emit("Getppid", pid, execname, true) }
                """).withRecords(Getppid.class), TraceOptions.defaults(), command)) {
            all.attach(s);
            s.onRecord(Getppid.class, records::add);
            s.startAsync();
            assertTrue(s.awaitTermination(Scripts.END), "the session did not end when the command exited");
        }
        assertTrue(all.errors().isEmpty(), all.errors()::toString);
        assertEquals(0, all.lost());
        assertEquals(n, records.size());
        Set<Long> pids = records.stream().map(Getppid::pid).collect(Collectors.toSet());
        assertEquals(1, pids.size(), pids::toString);
        assertTrue(pids.iterator().next() > 1, pids::toString);
        assertEquals(Set.of(new Getppid(pids.iterator().next(), "getppid_loop", true)), Set.copyOf(records));
    }

    @Test
    void aUprobeEmitsTheProbedArgumentOfEveryCall() throws Exception {
        int m = 1_000;
        Path target = NativeHelpers.binary("uprobe_target");
        List<WorkCall> records = Collections.synchronizedList(new ArrayList<>());
        Scripts.Recorder all = new Scripts.Recorder();
        ProcessBuilder command = new ProcessBuilder(target.toString(), Integer.toString(m));
        try (HostSession s = backend.openCommand(Scripts.compile("""
                trace probe:TARGET:ktap_work x=%di:s32 { emit("WorkCall", pid, execname, arg2) }
                """.replace("TARGET", target.toString())).withRecords(WorkCall.class), TraceOptions.defaults(), command)) {
            all.attach(s);
            s.onRecord(WorkCall.class, records::add);
            s.startAsync();
            assertTrue(s.awaitTermination(Scripts.END), "the session did not end when the command exited");
        }
        assertTrue(all.errors().isEmpty(), all.errors()::toString);
        assertEquals(m, records.size());
        assertEquals(Set.of("uprobe_target"), records.stream().map(WorkCall::comm).collect(Collectors.toSet()));
        assertEquals(1, records.stream().map(WorkCall::pid).distinct().count());
        Set<Long> xs = new TreeSet<>(records.stream().map(WorkCall::x).toList());
        assertEquals(LongStream.range(0, m).boxed().collect(Collectors.toCollection(TreeSet::new)), xs);
    }
}
