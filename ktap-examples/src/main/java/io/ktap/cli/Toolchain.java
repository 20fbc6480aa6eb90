package io.ktap.cli;

import io.ktap.compiler.CompileResult;
import io.ktap.compiler.KtapCompiler;
import java.util.Optional;

/**
 * Where the command's {@link Frontend} (ktap-compiler) is wired in. Code generation comes from
 * ktap-bytecode directly; backends need no wiring: they are found on the class path through
 * {@link io.ktap.trace.Backends}.
 */
final class Toolchain {

    private Toolchain() {
    }

    /** The ktap language compiler, ktap-compiler's {@link KtapCompiler}. */
    static Optional<Frontend> frontend() {
        return Optional.of((name, source) -> {
            CompileResult r = KtapCompiler.compile(name, source);
            return new Frontend.Result(r.program(), r.diagnostics());
        });
    }
}
