package io.ktap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C ends a live trace like exit(): the end output is written and ktap exits 0. */
class InterruptTest {

    @Test
    void sigintEndsTracingRunsTheEndBlockAndExitsZero(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("out.txt");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), InterruptibleMain.class.getName(),
                "--backend", "host", "-o", output.toString(), "-e", "trace syscalls:* { }"));
        Process ktap = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader stderr = new BufferedReader(new InputStreamReader(ktap.getErrorStream(), StandardCharsets.UTF_8))) {
            // The banner is printed once the session is open and about to trace.
            assertEquals("Tracing... Hit Ctrl-C to end.", stderr.readLine());
            assertEquals(0, new ProcessBuilder("kill", "-INT", String.valueOf(ktap.pid())).start().waitFor());
            assertEquals(ExitStatus.OK, ktap.waitFor());
            assertEquals(null, stderr.readLine(), "nothing more on standard error");
        } finally {
            ktap.destroyForcibly();
        }
        assertEquals(InterruptibleMain.END_OUTPUT, Files.readString(output), "the end output reaches -o FILE");
    }
}
