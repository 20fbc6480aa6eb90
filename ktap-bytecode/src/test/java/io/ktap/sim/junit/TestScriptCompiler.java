package io.ktap.sim.junit;

import io.ktap.ast.Program;
import io.ktap.compiler.CompileResult;
import io.ktap.compiler.KtapCompiler;
import io.ktap.trace.ScriptCompiler;
import io.ktap.trace.ScriptException;

/** Supplies ktap-compiler as the {@link ScriptCompiler} for this module's tests. */
public final class TestScriptCompiler implements ScriptCompiler {

    @Override
    public Program compile(String fileName, String text) {
        CompileResult r = KtapCompiler.compile(fileName, text);
        return r.program().orElseThrow(() -> new ScriptException(r.diagnostics()));
    }
}
