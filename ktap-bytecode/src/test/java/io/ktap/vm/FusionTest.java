package io.ktap.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.ktap.trace.Limits;
import io.ktap.trace.TraceOptions;
import org.junit.jupiter.api.Test;

/** Fused instruction sequences behave exactly as the instructions they stand for. */
class FusionTest {

    private static final String SCRIPT = """
            var t = {}
            var i = 0
            var s = 0
            while (i < 30) {
                i += 1
                if (i != 7) { s = s + 2 } else { s = s - 1 }
                if (i <= 3) { s = s + i }
                t[i % 3] += 1
                s = s + (i * 3) % 7
            }
            print(i, s, t[0], t[1], t[2])
            var z = 0
            print(s % (z * 1))
            """;

    private static String run(boolean fused, long budget) {
        boolean saved = Fn.fusion;
        Fn.fusion = fused;
        try {
            return Scripts.run(SCRIPT, TraceOptions.defaults().limits(Limits.defaults().mainInstructions(budget)));
        } finally {
            Fn.fusion = saved;
        }
    }

    @Test
    void theCodeIsFused() {
        int[] code = io.ktap.bytecode.Codegen.compile(io.ktap.compiler.KtapCompiler.compile("f.kp", SCRIPT)
                .programOrThrow()).orThrow().main().code();
        assertNotEquals(java.util.Arrays.toString(code), java.util.Arrays.toString(Fn.fuse(code)));
    }

    @Test
    void everyBudgetEndsAtTheSameInstructionFusedOrNot() {
        String full = run(true, 0);
        assertEquals("30\t156\t10\t10\t10\nerror: t.kp:13: modulo by zero\n", full);
        assertEquals(full, run(false, 0));
        for (long budget = 1; budget < 700; budget++) {
            assertEquals(run(false, budget), run(true, budget), "budget " + budget);
        }
    }
}
