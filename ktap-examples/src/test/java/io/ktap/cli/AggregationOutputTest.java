package io.ktap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Aggregation output through the command, text and JSON, compared with what bpftrace itself
 * printed for the same aggregations (src/test/resources/bpftrace, see its README).
 */
class AggregationOutputTest {

    /** The aggregations of bpftrace/aggregations.bt, as a ktap script. */
    private static final String SCRIPT = """
            var s = {}
            var hk = {}
            var stk = {}
            c = count()
            s[1] = sum(5)
            s[2] = sum(7)
            s[3] = sum(-1)
            h = hist(-1)
            h = hist(0)
            h = hist(1)
            h = hist(5)
            h = hist(1500)
            l = lhist(-5, 0, 1000, 100)
            l = lhist(150, 0, 1000, 100)
            l = lhist(2000, 0, 1000, 100)
            st = stats(3)
            st = stats(4)
            a = avg(7)
            a = avg(8)
            mn = min(-3)
            mx = max(-3)
            mx = max(9)
            hk["a"] = hist(3)
            hk["b"] = hist(100)
            stk["x"] = stats(2)
            print(c) print(s) print(h) print(l) print(st) print(a) print(mn) print(mx) print(hk) print(stk)
            """;

    private static final Path BPFTRACE = Path.of("src/test/resources/bpftrace");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int ktap(String... args) {
        return KtapCli.standard(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(args));
    }

    @Test
    void textIsBpftracesText() throws IOException {
        assertEquals(ExitStatus.OK, ktap("--backend", "sim", "-q", "-e", SCRIPT));
        assertEquals(Files.readString(BPFTRACE.resolve("aggregations.txt")), out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void jsonParsesToBpftracesJson() throws IOException {
        assertEquals(ExitStatus.OK, ktap("--backend", "sim", "-q", "-f", "json", "-e", SCRIPT));
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> ours = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).lines().toList()) {
            ours.add(json.readTree(line));
        }
        List<JsonNode> theirs = new ArrayList<>();
        for (String line : Files.readAllLines(BPFTRACE.resolve("aggregations.json"))) {
            theirs.add(json.readTree(line));
        }
        assertEquals(theirs, ours);
        // Map entries keep bpftrace's order (ascending by value), not only the same members.
        List<String> keys = new ArrayList<>();
        ours.get(1).get("data").get("@s").fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("3", "1", "2"), keys);
    }

    @Test
    void jsonOfAnonymousAndStringKeyedAggregations() throws IOException {
        assertEquals(ExitStatus.OK, ktap("--backend", "sim", "-q", "-f", "json", "-e",
                "var t = {}\nt[\"a b\"] = lhist(25, 10, 30, 10)\nt[\"a b\"] = lhist(99, 10, 30, 10)\nprint(t)\n"
                        + "var g = {}\nfunction f() { return g }\nf()[\"k\"] = count()\nprint(g)"));
        ObjectMapper json = new ObjectMapper();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(json.readTree("{\"type\": \"hist\", \"data\": {\"@t\": {\"a b\": [{\"min\": 20, \"max\": 29, \"count\": 1},"
                + " {\"min\": 30, \"count\": 1}]}}}"), json.readTree(lines.get(0)));
        assertEquals(json.readTree("{\"type\": \"map\", \"data\": {\"@\": {\"k\": 1}}}"), json.readTree(lines.get(1)));
    }
}
