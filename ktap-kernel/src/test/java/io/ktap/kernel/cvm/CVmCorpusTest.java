package io.ktap.kernel.cvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.Limits;
import io.ktap.bytecode.ProbeEntry;
import io.ktap.sim.SimEvent;
import io.ktap.sim.SimKernel;
import io.ktap.sim.SimTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden corpus on both VMs: every valid script's main chunk, its handlers on simulated
 * events and its end blocks give the same records on the C VM as on the Java VM.
 *
 * <p>The events here are this test's own ({@link #firings}: three per probe, fired straight at the
 * probe's handler), not the corpus workload of the {@code .out} files, which the sim backend
 * dispatches by event name (ktap-bytecode's {@code GoldenCorpusTest} checks the Java VM against
 * those); so the two VMs are compared with each other, never with a {@code .out} file.
 */
class CVmCorpusTest {

    @BeforeAll
    static void library() {
        assertTrue(CVm.isAvailable(), () -> "libktapvm.so: " + CVm.unavailabilityCause().orElse(""));
    }

    static Stream<Path> scripts() throws IOException {
        return Scripts.validScripts().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void bothVmsAgree(Path script) throws IOException {
        String name = script.getFileName().toString();
        Chunk chunk = Scripts.compile(name, Files.readAllBytes(script), Limits.DEFAULT);
        SimKernel kernel = new SimKernel();
        TwoVms.Result r = TwoVms.run(chunk, kernel, List.of("7", "x"), firings(kernel, chunk));
        assertEquals(r.javaText(), r.cText(), name + ": C VM output differs from the Java VM's");
        assertEquals(r.java().size(), r.c().size(), name + ": record count");
        for (int i = 0; i < r.java().size(); i++) {
            assertEquals(r.java().get(i).getClass(), r.c().get(i).getClass(), name + ": record " + i);
        }
        assertEquals(r.javaOutcomes().stream().map(Enum::name).toList(),
                r.cOutcomes().stream().map(Enum::name).toList(), name + ": outcomes");
    }

    /** Three events for every probe whose event the simulated kernel knows. */
    static List<TwoVms.Firing> firings(SimKernel kernel, Chunk chunk) {
        List<TwoVms.Firing> out = new ArrayList<>();
        SimTask task = SimTask.of(4242, "bash");
        for (int i = 0; i < chunk.probes().size(); i++) {
            ProbeEntry p = chunk.probes().get(i);
            if (p.kind().isTimer()) {
                out.add(new TwoVms.Firing(i, null));
                out.add(new TwoVms.Firing(i, null));
                continue;
            }
            String spec = p.spec().split("[ /]")[0];
            String qualified = spec.contains("*") ? "syscalls:sys_enter_openat" : spec;
            if (kernel.event(qualified).isEmpty()) {
                continue;
            }
            for (int n = 0; n < 3; n++) {
                SimEvent e = kernel.newEvent(qualified, Map.of(), task, n % 2);
                out.add(new TwoVms.Firing(i, e));
            }
        }
        return out;
    }
}
