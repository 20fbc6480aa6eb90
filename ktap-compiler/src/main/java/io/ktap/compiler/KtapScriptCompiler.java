package io.ktap.compiler;

import io.ktap.ast.Program;
import io.ktap.trace.ScriptCompiler;
import io.ktap.trace.ScriptException;

/**
 * ktap-compiler as the {@link ScriptCompiler} service, so that modules which do not depend on the
 * compiler ({@code TraceProgram.compile}, the simulated kernel's JUnit extension) compile script
 * text whenever ktap-compiler is on the class path.
 */
public final class KtapScriptCompiler implements ScriptCompiler {

    @Override
    public Program compile(String fileName, String text) {
        CompileResult r = KtapCompiler.compile(fileName, text);
        return r.program().orElseThrow(() -> new ScriptException(r.diagnostics()));
    }
}
