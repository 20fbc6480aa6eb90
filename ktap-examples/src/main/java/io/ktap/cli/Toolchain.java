package io.ktap.cli;

import java.util.Optional;

/**
 * The SDK parts the command is built from: where the {@link Frontend} (ktap-compiler) and the
 * {@link Disassembler} (ktap-bytecode) are wired in. Backends need no wiring: they are found on the
 * class path through {@link io.ktap.trace.Backends}.
 */
final class Toolchain {

    private Toolchain() {
    }

    /** The ktap language compiler; empty while ktap-compiler has no parser. */
    static Optional<Frontend> frontend() {
        return Optional.empty();
    }

    /** Codegen and the disassembler for {@code -b}; empty while ktap-bytecode has none. */
    static Optional<Disassembler> disassembler() {
        return Optional.empty();
    }
}
