package io.ktap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command as shipped, with the real ktap compiler: the examples and the compile-error path. */
class StandardToolchainTest {

    private static final Path SCRIPTS = Path.of("scripts");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int ktap(String... args) {
        return KtapCli.standard(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(args));
    }

    private static List<Path> examples() throws IOException {
        try (Stream<Path> s = Files.list(SCRIPTS)) {
            return s.filter(p -> p.toString().endsWith(".kp")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void everyExampleScriptCompiles() throws IOException {
        List<Path> scripts = examples();
        assertTrue(scripts.size() >= 8, "the examples the README refers to: " + scripts);
        for (Path script : scripts) {
            out.reset();
            err.reset();
            assertEquals(ExitStatus.OK, ktap("-d", script.toString()), () -> script + ":\n" + err);
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith(script + ": ok: "), out::toString);
            assertEquals("", err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theReadmeScriptsHaveTheBlocksTheySayTheyHave() {
        assertEquals(ExitStatus.OK, ktap("-d", SCRIPTS.resolve("syscalls-hist.kp").toString()));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith(
                SCRIPTS.resolve("syscalls-hist.kp") + ": ok: 1 trace block, 1 timer, a trace_end block; chunk of "),
                out::toString);
    }

    @Test
    void compileErrorsGoToStandardErrorWithTheirPositionAndExitTwo(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.kp");
        Files.writeString(bad, "var a = 1\nif a { }\n");
        assertEquals(ExitStatus.USAGE, ktap(bad.toString()));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith(bad + ":2:4: error: "), e);
        assertTrue(e.endsWith("1 error\n"), e);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anInlineProgramsDiagnosticsAreNamedDashE() {
        assertEquals(ExitStatus.USAGE, ktap("-d", "-e", "print(1) x = = 1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("-e:1:14: error: "), err::toString);
    }

    @Test
    void aDryRunOfAValidOneLiner() {
        assertEquals(ExitStatus.OK, ktap("-d", "-e", "trace syscalls:* { print(argevent) }"));
        assertTrue(out.toString(StandardCharsets.UTF_8).matches(
                "-e: ok: 1 trace block, 0 timers, no trace_end block; chunk of \\d+ bytes, verified\n"), out::toString);
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("error"));
    }

    @Test
    void dumpBytecodeListsTheChunkOfTheScript() {
        assertEquals(ExitStatus.OK, ktap("-b", SCRIPTS.resolve("helloworld.kp").toString()));
        String listing = out.toString(StandardCharsets.UTF_8);
        assertTrue(listing.startsWith("chunk \"" + SCRIPTS.resolve("helloworld.kp") + "\""), listing);
        assertTrue(listing.contains("\"Hello World! I am ktap\""), listing);
        assertTrue(listing.contains("print"), listing);
    }

    @Test
    void limitsOnTheCommandLineAreTheChunksLimits() {
        assertEquals(ExitStatus.OK, ktap("-b", "--max-handler-instructions", "777", "--max-string-bytes", "100",
                "-e", "print(1)"));
        String listing = out.toString(StandardCharsets.UTF_8);
        assertTrue(listing.contains("handler budget 777,"), listing);
        assertTrue(listing.contains("string length 100,"), listing);
    }

    @Test
    void aStringConstantLongerThanTheStringLimitIsACompileError() {
        assertEquals(ExitStatus.USAGE, ktap("-d", "--max-string-bytes", "4", "-e", "print(\"hello\")"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("-e:1:7: error: "), e);
    }
}
