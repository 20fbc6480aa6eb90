package io.ktap.compiler;

import io.ktap.ast.Diagnostic;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golden corpus (see {@code src/test/resources/corpus/README.md}): every valid script compiles
 * with exactly the warnings of its {@code .diag} file (none if there is no file), every invalid
 * script fails with exactly the diagnostics of its {@code .diag} file.
 *
 * <p>Run with {@code -Dktap.corpus.update=true} to (re)write the {@code .diag} files of the
 * invalid scripts from the compiler's output; then review the diff like any other change.
 */
class CorpusTest {

    static final Path CORPUS = Path.of(System.getProperty("ktap.corpus", "src/test/resources/corpus"));
    private static final boolean UPDATE = Boolean.getBoolean("ktap.corpus.update");

    static List<Path> scripts(String dir) throws IOException {
        try (Stream<Path> files = Files.list(CORPUS.resolve(dir))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".kp")).sorted().collect(Collectors.toList());
        }
    }

    static CompileResult compile(Path script) throws IOException {
        return KtapCompiler.compile(script.getFileName().toString(), Files.readAllBytes(script));
    }

    private static Path diagFile(Path script) {
        String name = script.getFileName().toString();
        return script.resolveSibling(name.substring(0, name.length() - 3) + ".diag");
    }

    private static List<String> lines(CompileResult result) {
        return result.diagnostics().stream().map(Diagnostic::toString).collect(Collectors.toList());
    }

    @TestFactory
    Stream<DynamicTest> validScriptsCompile() throws IOException {
        return scripts("valid").stream().map(script -> DynamicTest.dynamicTest(script.getFileName().toString(), () -> {
            CompileResult result = compile(script);
            assertTrue(result.isSuccess(), () -> script + " does not compile:\n" + result.format());
            Path diag = diagFile(script);
            List<String> expected = Files.exists(diag) ? Files.readAllLines(diag, StandardCharsets.UTF_8) : List.of();
            assertEquals(expected, lines(result), "warnings of " + script);
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidScriptsReportExactlyTheirDiagnostics() throws IOException {
        return scripts("invalid").stream().map(script -> DynamicTest.dynamicTest(script.getFileName().toString(), () -> {
            CompileResult result = compile(script);
            assertFalse(result.isSuccess(), () -> script + " compiles but is in invalid/");
            Path diag = diagFile(script);
            if (UPDATE) {
                Files.write(diag, lines(result), StandardCharsets.UTF_8);
            }
            assertTrue(Files.exists(diag), () -> "missing " + diag + "; the compiler says:\n" + result.format());
            assertEquals(Files.readAllLines(diag, StandardCharsets.UTF_8), lines(result), "diagnostics of " + script);
        }));
    }

    @Test
    void everyDiagFileBelongsToAScript() throws IOException {
        for (String dir : List.of("valid", "invalid")) {
            try (Stream<Path> files = Files.list(CORPUS.resolve(dir))) {
                for (Path p : files.collect(Collectors.toList())) {
                    String name = p.getFileName().toString();
                    if (name.endsWith(".diag")) {
                        Path script = p.resolveSibling(name.substring(0, name.length() - 5) + ".kp");
                        assertTrue(Files.exists(script), () -> p + " has no script " + script);
                    }
                }
            }
        }
    }

    @Test
    void corpusIsNotEmpty() throws IOException {
        assertTrue(scripts("valid").size() >= 20, "valid corpus");
        assertTrue(scripts("invalid").size() >= 20, "invalid corpus");
    }
}
