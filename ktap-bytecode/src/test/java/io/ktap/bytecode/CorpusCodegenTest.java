package io.ktap.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.ast.Program;
import io.ktap.compiler.CompileResult;
import io.ktap.compiler.KtapCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every valid script of the compiler's golden corpus compiles to a verified chunk that round-trips. */
class CorpusCodegenTest {

    static Stream<Path> corpus() throws IOException {
        Path dir = Path.of("..", "ktap-compiler", "src", "test", "resources", "corpus", "valid");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".kp")).sorted().toList();
        }
        assertTrue(files.size() >= 20, "corpus not found at " + dir.toAbsolutePath());
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void compilesVerifiesAndRoundTrips(Path script) throws Exception {
        CompileResult parsed = KtapCompiler.compile(script);
        Program program = parsed.program().orElseThrow(() -> new AssertionError(parsed.diagnostics().toString()));
        CodegenResult r = Codegen.compile(program);
        assertTrue(r.ok(), () -> script + ": " + r.diagnostics());
        Chunk c = r.orThrow();
        assertEquals(List.of(), Verifier.verify(c), () -> Disassembler.disassemble(c));
        assertEquals(c, ChunkReader.read(ChunkWriter.write(c)));
    }
}
