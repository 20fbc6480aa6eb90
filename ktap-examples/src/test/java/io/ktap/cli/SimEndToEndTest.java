package io.ktap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command as shipped, end to end on the real sim backend: compiler, codegen, Java VM. */
class SimEndToEndTest {

    private static final Path SCRIPTS = Path.of("scripts");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int ktap(String... args) {
        return KtapCli.standard(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(args));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helloWorld() {
        assertEquals(ExitStatus.OK, ktap("--backend", "sim", SCRIPTS.resolve("helloworld.kp").toString()));
        assertEquals("Hello World! I am ktap\n", out());
        assertEquals("", err());
    }

    @Test
    void fibTakesItsArgument() {
        assertEquals(ExitStatus.OK, ktap("--backend", "sim", SCRIPTS.resolve("fib.kp").toString(), "12"));
        List<String> lines = out().lines().toList();
        assertEquals(12, lines.size(), out());
        assertEquals("fib(12) = 144", lines.get(11));
    }

    @Test
    void tablesCountsAndDrawsAHistogram() {
        assertEquals(ExitStatus.OK, ktap("--backend", "sim", SCRIPTS.resolve("tables.kp").toString()));
        assertTrue(out().contains("read   4\n"), out());
        assertTrue(out().contains("                           read |@@@@@@@@@@@@@@@@@@@                   | 4\n"), out());
    }

    @Test
    void scriptArgumentsAreNumbersWhenTheyReadAsNumbers() {
        assertEquals(ExitStatus.OK, ktap("--backend", "sim", "-e", "print(arg[0], arg[1] + 1, arg[2])", "41", "x"));
        assertEquals("-e\t42\tx\n", out());
    }

    @Test
    void aRuntimeErrorStopsTheScriptRunsTheEndBlockAndExitsOne() {
        assertEquals(ExitStatus.RUNTIME_ERROR, ktap("--backend", "sim", "-e",
                "var x = 0\nprint(\"before\")\nprint(1 / x)\nprint(\"after\")\ntrace_end { print(\"end ran\") }"));
        assertEquals("before\nend ran\n", out());
        assertEquals("error: -e:3: division by zero\n", err());
    }

    @Test
    void theInstructionBudgetStopsAnEndlessLoop() {
        assertEquals(ExitStatus.RUNTIME_ERROR, ktap("--backend", "sim", "--max-instructions", "1000", "-e",
                "while (true) { }"));
        assertEquals("error: -e:1: instruction budget exceeded\n", err());
    }

    @Test
    void aMillionDeepTailCallRunsInTheMainChunk() {
        assertEquals(ExitStatus.OK, ktap("--backend", "sim", "-e",
                "function f(n, acc) { if (n == 0) { return acc } return f(n - 1, acc + 1) }\nprint(f(1000000, 0))"));
        assertEquals("1000000\n", out());
    }

    @Test
    void jsonRecordsParse() throws IOException {
        assertEquals(ExitStatus.OK, ktap("--backend", "sim", "-f", "json", "-e",
                "print(\"a\", 1)\nvar t = {}\nt[\"x\"] += 2\nhistogram(t)"));
        ObjectMapper json = new ObjectMapper();
        List<String> lines = out().lines().toList();
        assertEquals(2, lines.size(), out());
        assertEquals(json.readTree("{\"type\":\"printf\",\"data\":\"a\\t1\\n\"}"), json.readTree(lines.get(0)));
        JsonNode hist = json.readTree(lines.get(1));
        assertEquals("histogram", hist.get("type").asText());
        assertEquals(json.readTree("[{\"key\":\"x\",\"count\":2}]"), hist.get("data").get("rows"));
    }

    @Test
    void theSimulatorRefusesACommandItCannotTrace() {
        assertEquals(ExitStatus.RUNTIME_ERROR,
                ktap("--backend", "sim", "-e", "trace_end { print(\"done\") }", "--", "/bin/true"));
        assertEquals("", out());
        assertTrue(err().contains("the simulated kernel runs no real process, so it cannot trace the command /bin/true"),
                err());
    }
}
