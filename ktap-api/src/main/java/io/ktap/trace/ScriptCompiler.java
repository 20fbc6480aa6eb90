package io.ktap.trace;

import io.ktap.ast.Program;

/**
 * The service that turns ktap script text into a {@link Program}, so that modules which do not
 * depend on the compiler (the simulated kernel, its JUnit extension) can still accept scripts.
 * ktap-compiler provides it through {@code META-INF/services/io.ktap.trace.ScriptCompiler};
 * {@link TraceProgram#compile} finds it.
 */
public interface ScriptCompiler {

    /**
     * Compiles {@code text}, named {@code fileName} in diagnostics.
     *
     * @throws ScriptException with every diagnostic when the script does not compile
     */
    Program compile(String fileName, String text);
}
