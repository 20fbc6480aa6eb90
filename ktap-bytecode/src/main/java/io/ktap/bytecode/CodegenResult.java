package io.ktap.bytecode;

import io.ktap.ast.Diagnostic;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Codegen} produces: a chunk when the program compiled without errors, and every
 * diagnostic found.
 */
public record CodegenResult(Optional<Chunk> chunk, List<Diagnostic> diagnostics) {

    public CodegenResult {
        diagnostics = List.copyOf(diagnostics);
        if (chunk.isPresent() && diagnostics.stream().anyMatch(Diagnostic::isError)) {
            throw new IllegalArgumentException("a chunk with errors");
        }
    }

    public boolean ok() {
        return chunk.isPresent();
    }

    /** The chunk; throws {@link IllegalStateException} listing the diagnostics when there is none. */
    public Chunk orThrow() {
        return chunk.orElseThrow(() -> new IllegalStateException("program did not compile: " + diagnostics));
    }
}
