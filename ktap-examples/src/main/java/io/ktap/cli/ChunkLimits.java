package io.ktap.cli;

import io.ktap.bytecode.ChunkFormat;
import io.ktap.bytecode.Verifier;
import io.ktap.trace.Limits;

/** The limits a chunk carries, from the SPI's {@link Limits} the command line sets. */
final class ChunkLimits {

    private ChunkLimits() {
    }

    /**
     * The chunk limits of {@code l}. The instruction budgets keep 0 (unlimited, which only the
     * userspace verifier policy accepts); any other limit given as 0 becomes the largest value the
     * chunk format allows.
     */
    static io.ktap.bytecode.Limits of(Limits l) {
        return new io.ktap.bytecode.Limits(l.handlerInstructions(), l.mainInstructions(),
                or(l.callDepth(), Verifier.MAX_CALL_DEPTH), or(l.stackSlots(), 1 << 20),
                or(l.stringBytes(), ChunkFormat.MAX_STRING_BYTES), or(l.tables(), 1 << 20),
                or(l.tableEntries(), 1 << 26), or(l.stringPoolBytes(), 1 << 30), or(l.closures(), 1 << 20));
    }

    private static int or(int v, int max) {
        return v == 0 ? max : v;
    }
}
