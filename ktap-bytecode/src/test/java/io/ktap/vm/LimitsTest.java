package io.ktap.vm;

import static io.ktap.vm.Scripts.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.sim.SimKernel;
import io.ktap.sim.SimSession;
import io.ktap.trace.Limits;
import io.ktap.trace.TraceOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every limit becomes an error record, never a Java exception or a hang. */
class LimitsTest {

    private static TraceOptions with(Limits limits) {
        return TraceOptions.defaults().limits(limits);
    }

    @Test
    void apiDefaultsAreTheChunkDefaults() {
        assertEquals(io.ktap.bytecode.Limits.DEFAULT, io.ktap.sim.ChunkLoader.limits(Limits.defaults()));
    }

    @Test
    void aHandlerHasATightBudget() {
        SimSession s = Scripts.start(new SimKernel(), """
                var i = 0
                while (i < 200000) { i += 1 }
                print("main ran", i)
                trace syscalls:sys_enter_read { var j = 0 ; while (true) { j += 1 } }
                trace_end { print("end") }
                """.replace(" ; ", "\n"), TraceOptions.defaults());
        s.fire("syscalls:sys_enter_read", Map.of());
        assertEquals("main ran\t200000\nerror: t.kp:5: instruction budget exceeded\nend\n", s.text());
    }

    @Test
    void theBudgetCountsExactlyOneUnitPerInstruction() {
        String script = "var s = 0\nfor (i = 1, 100) { s += i }\nprint(s)";
        int needed = 0;
        for (int budget = 1; budget < 10_000; budget++) {
            if (run(script, with(Limits.defaults().mainInstructions(budget))).equals("5050\n")) {
                needed = budget;
                break;
            }
        }
        assertTrue(needed > 200, "a 100-iteration loop needs at least two instructions per iteration: " + needed);
        assertEquals("error: t.kp:2: instruction budget exceeded\n",
                run(script, with(Limits.defaults().mainInstructions(needed / 2))));
        // One unit short: the print ran, the final return did not.
        assertEquals("5050\nerror: t.kp:3: instruction budget exceeded\n",
                run(script, with(Limits.defaults().mainInstructions(needed - 1))));
        assertEquals("5050\n", run(script, with(Limits.defaults().mainInstructions(needed))));
    }

    @Test
    void zeroBudgetMeansUnlimited() {
        assertEquals("3000000\n", run("var n = 0\nfor (i = 1, 3000000) { n += 1 }\nprint(n)",
                with(Limits.defaults().mainInstructions(0))));
    }

    @Test
    void theMainChunkCompletesAMillionDeepTailRecursion() {
        assertEquals("done\n", run("function loop(n) { if (n == 0) { return \"done\" } return loop(n - 1) }\nprint(loop(1000000))"));
    }

    @Test
    void callDepthCountsTheRootFrame() {
        String script = "function f(n) { if (n == 0) { return 0 } return 1 + f(n - 1) }\nprint(f(N))";
        // main + f(8) .. f(0): ten frames.
        assertEquals("8\n", run(script.replace("N", "8"), with(Limits.defaults().callDepth(10))));
        assertEquals("error: t.kp:1: stack overflow\n", run(script.replace("N", "9"), with(Limits.defaults().callDepth(10))));
        assertEquals("error: t.kp:1: stack overflow\n", run(script.replace("N", "100000")));
    }

    @Test
    void theDeepestCallLimitIsReachedExactly() {
        String script = "function f(n) { if (n == 0) { return 0 } return 1 + f(n - 1) }\nprint(f(N))";
        assertEquals("9998\n", run(script.replace("N", "9998"), with(Limits.defaults().callDepth(10_000).stackSlots(1 << 20))));
        assertEquals("error: t.kp:1: stack overflow\n", run(script.replace("N", "9999"), with(Limits.defaults().callDepth(10_000).stackSlots(1 << 20))));
    }

    @Test
    void unlimitedCallDepthStillEndsInAnError() {
        String script = "function f(n) { return 1 + f(n + 1) }\nprint(f(0))";
        assertEquals("error: t.kp:1: stack overflow\n", run(script, with(Limits.unlimited())));
    }

    @Test
    void stringsAreBounded() {
        assertEquals("error: t.kp:2: string length limit exceeded\n",
                run("var s = \"x\"\nwhile (true) { s = s .. s }", with(Limits.defaults())));
        assertEquals("abcd\nerror: t.kp:3: string length limit exceeded\n",
                run("var s = \"ab\" .. \"cd\"\nprint(s)\ns = s .. \"e\"", with(Limits.defaults().stringBytes(4))));
    }

    @Test
    void theStringPoolCountsOnlyLiveStrings() {
        Limits small = Limits.defaults().stringPoolBytes(1000);
        // Garbage strings are reclaimed: 10,000 concatenations of 20 bytes pass a 1000-byte pool.
        assertEquals("ok\n", run("""
                var s = ""
                for (i = 1, 10000) { s = "0123456789" .. "abcdefghij" }
                print("ok")
                """, with(small)));
        // Strings kept in a table are not.
        assertEquals("error: t.kp:2: string quota exceeded\n", run("""
                var keep = {}
                for (i = 1, 10000) { keep[i] = "0123456789" .. "abcdefghij" }
                """, with(small)));
    }

    @Test
    void theTableQuotaCountsOnlyLiveTables() {
        Limits small = Limits.defaults().tables(10);
        assertEquals("ok\n", run("for (i = 1, 1000) { var t = {} }\nprint(\"ok\")", with(small)));
        assertEquals("error: t.kp:2: table quota exceeded\n",
                run("var keep = {}\nfor (i = 1, 1000) { keep[i] = {} }", with(small)));
    }

    @Test
    void theEntryQuotaCountsEveryLiveTable() {
        Limits small = Limits.defaults().tableEntries(100);
        assertEquals("error: t.kp:2: table quota exceeded\n", run("var t = {}\nfor (i = 1, 1000) { t[i] = i }", with(small)));
        assertEquals("ok\n", run("for (j = 1, 50) { var t = {} ; for (i = 1, 50) { t[i] = i } }\nprint(\"ok\")"
                .replace(" ; ", "\n"), with(small)));
        assertEquals("ok\n", run("var t = {}\nfor (i = 1, 1000) { t[i] = i ; t[i] = nil }\nprint(\"ok\")"
                .replace(" ; ", "\n"), with(small)));
    }

    @Test
    void theClosureQuotaCountsOnlyLiveClosures() {
        Limits small = Limits.defaults().closures(10);
        assertEquals("ok\n", run("for (i = 1, 1000) { var f = function () { return i } }\nprint(\"ok\")", with(small)));
        assertEquals("error: t.kp:2: closure quota exceeded\n",
                run("var keep = {}\nfor (i = 1, 1000) { keep[i] = function () { return i } }", with(small)));
    }

    @Test
    void theStackSlotLimitIsAStackOverflow() {
        String script = "function f(n, a, b, c, d, e, g, h) { if (n == 0) { return 0 } return 1 + f(n - 1) }\nprint(f(200))";
        assertEquals("error: t.kp:1: stack overflow\n",
                run(script, with(Limits.defaults().callDepth(1000).stackSlots(512))));
        assertEquals("200\n", run(script, with(Limits.defaults().callDepth(1000).stackSlots(8192))));
    }
}
