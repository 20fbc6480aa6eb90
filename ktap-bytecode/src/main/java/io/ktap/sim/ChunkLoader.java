package io.ktap.sim;

import io.ktap.ast.Diagnostic;
import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.ChunkFormat;
import io.ktap.bytecode.ChunkFormatException;
import io.ktap.bytecode.ChunkReader;
import io.ktap.bytecode.Codegen;
import io.ktap.bytecode.CodegenResult;
import io.ktap.bytecode.Limits;
import io.ktap.bytecode.RecordSchema;
import io.ktap.bytecode.Verifier;
import io.ktap.trace.TraceException;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceProgram;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns what a user hands a userspace backend into a verified chunk: generates the bytecode of an
 * AST, or reads a serialized chunk; applies the session's limits; verifies under the userspace
 * policy. Shared by the {@code sim} backend and usable by the {@code host} backend.
 */
public final class ChunkLoader {

    private ChunkLoader() {
    }

    /**
     * The chunk of {@code program} under {@code options}' limits, verified.
     *
     * @throws TraceException with the diagnostics or the verifier's errors when it cannot run
     */
    public static Chunk load(TraceProgram program, TraceOptions options) {
        Limits limits = limits(options.limits());
        Chunk chunk;
        if (program instanceof TraceProgram.Source s) {
            CodegenResult r = Codegen.compile(s.program(), limits,
                    s.records().stream().map(RecordSchema::of).toList());
            if (!r.ok()) {
                throw new TraceException("cannot compile the program:\n" + r.diagnostics().stream()
                        .filter(Diagnostic::isError).map(Diagnostic::toString).collect(Collectors.joining("\n")));
            }
            chunk = r.orThrow();
        } else {
            try {
                chunk = ChunkReader.read(((TraceProgram.Bytecode) program).chunk()).withLimits(limits);
            } catch (ChunkFormatException e) {
                throw new TraceException("malformed chunk: " + e.getMessage(), e);
            }
        }
        return verify(chunk);
    }

    /** {@code chunk} itself when the verifier accepts it under the userspace policy. */
    public static Chunk verify(Chunk chunk) {
        List<Verifier.Error> errors = Verifier.verify(chunk, Verifier.Policy.USERSPACE);
        if (!errors.isEmpty()) {
            throw new TraceException("the chunk does not verify:\n" + errors.stream().map(Verifier.Error::toString)
                    .collect(Collectors.joining("\n")));
        }
        return chunk;
    }

    /**
     * The chunk limits of the API's limits. The budgets keep 0 (unlimited on userspace backends);
     * any other limit given as 0 becomes the largest value the format allows.
     */
    public static Limits limits(io.ktap.trace.Limits l) {
        return new Limits(l.handlerInstructions(), l.mainInstructions(),
                or(l.callDepth(), Verifier.MAX_CALL_DEPTH), or(l.stackSlots(), 1 << 20),
                or(l.stringBytes(), ChunkFormat.MAX_STRING_BYTES), or(l.tables(), 1 << 20),
                or(l.tableEntries(), 1 << 26), or(l.stringPoolBytes(), 1 << 30), or(l.closures(), 1 << 20));
    }

    private static int or(int v, int max) {
        return v == 0 ? max : v;
    }
}
