package io.ktap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The host backend end to end on the real kernel: script text, compiler, bytecode, the Java VM
 * fed by perf samples. Each workload is a C helper whose behaviour is exactly known.
 */
class HostBackendTest {
    private static final int N = 5_000;

    private final HostBackend backend = new HostBackend();
    private Path getppid;

    @BeforeEach
    void setUp() throws Exception {
        NativeHelpers.assumeHostTracing();
        getppid = NativeHelpers.binary("getppid_loop");
    }

    @Test
    void countsEveryGetppidOfACommand() throws Exception {
        Scripts.Recorder r = Scripts.runCommand(backend, """
                var n = 0
                trace syscalls:sys_enter_getppid { n += 1 }
                trace_end { print("count", n) }
                """, new ProcessBuilder(getppid.toString(), Integer.toString(N)));
        assertEquals("count\t" + N + "\n", r.printed());
        assertEquals(0, r.lost());
        assertTrue(r.errors().isEmpty(), r.errors()::toString);
    }
}
