package io.ktap.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.ktap.sim.SimBackend;
import io.ktap.sim.SimKernel;
import io.ktap.sim.SimSession;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The Java VM never lets a Java exception out, whatever chunk the verifier lets through: random
 * programs ({@link RandomPrograms}) and single-field mutations of them ({@link ChunkProperties.Mutations})
 * are either rejected by the verifier or run (main chunk, events, timers, end blocks) to an end
 * with no internal error.
 */
class VmMutationProperties {

    /** Budgets that end a mutant's endless loop quickly: this property is about safety, not size. */
    static final TraceOptions OPTIONS = TraceOptions.defaults().limits(io.ktap.trace.Limits.defaults()
            .handlerInstructions(10_000).mainInstructions(200_000));

    /** Runs {@code chunk} on the sim backend with a few events; returns its text output. */
    static String runAll(Chunk chunk) {
        SimSession s;
        try {
            s = open(chunk);
        } catch (io.ktap.trace.TraceException e) {
            // Rejected at load: a probe the mutation made unresolvable, as the kernel backend would.
            return "rejected: " + e.getMessage();
        }
        s.start();
        for (TraceOutput.RuntimeError e : s.errors()) {
            assertFalse(e.message().startsWith("internal error"), () -> e.text() + Disassembler.disassemble(chunk));
            assertFalse(e.message().contains("not enough memory"), e::text);
        }
        return s.text();
    }

    private static SimSession open(Chunk chunk) {
        return new SimBackend(new SimKernel()).withWorkload(session -> {
            session.fire("syscalls:sys_enter_read", java.util.Map.of("fd", 3));
            session.fire("sched:sched_switch", java.util.Map.of("prev_comm", "a", "next_comm", "b"));
            session.advance(Duration.ofMillis(5));
            session.fire("syscalls:sys_exit_read", java.util.Map.of("ret", 1));
        }).open(chunk, OPTIONS);
    }

    @Property(tries = 200)
    void randomProgramsRunTheSameTwice(@ForAll long seed) {
        Chunk c = ChunkProperties.compileRandom(seed);
        assertEquals(runAll(c), runAll(c));
    }

    @Property(tries = 1000)
    void mutatedChunksAreRejectedOrRunCleanly(@ForAll long seed) {
        Chunk c = ChunkProperties.Mutations.mutate(ChunkProperties.compileRandom(seed), new Random(seed));
        List<Verifier.Error> errors = Verifier.verify(c, Verifier.Policy.USERSPACE);
        if (errors.isEmpty()) {
            String out = runAll(c);
            net.jqwik.api.statistics.Statistics.collect(out.startsWith("rejected: ") ? "rejected at load"
                    : out.contains("error: ") ? "ran to a runtime error" : "ran cleanly");
        } else {
            net.jqwik.api.statistics.Statistics.collect("rejected by the verifier");
        }
    }
}
