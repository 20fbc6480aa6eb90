package io.ktap.compiler;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchmarkScriptsTest {

    @Test
    void theBenchmarkScriptIsAThousandValidLines() {
        String script = BenchmarkScripts.script(1000);
        assertEquals(1000, script.lines().count());
        CompileResult r = KtapCompiler.compile("bench.kp", script);
        assertTrue(r.isSuccess() && r.diagnostics().isEmpty(), r::format);
    }
}
