package io.ktap.cli;

import io.ktap.compiler.CompileResult;
import io.ktap.compiler.KtapCompiler;
import java.util.Optional;

/**
 * The SDK parts the command is built from: where the {@link Frontend} (ktap-compiler) and the
 * {@link Disassembler} (ktap-bytecode) are wired in. Backends need no wiring: they are found on the
 * class path through {@link io.ktap.trace.Backends}.
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

    /** Codegen and the disassembler for {@code -b}; empty while ktap-bytecode has none. */
    static Optional<Disassembler> disassembler() {
        return Optional.empty();
    }
}
