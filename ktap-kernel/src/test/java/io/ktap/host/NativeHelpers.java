package io.ktap.host;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Compiles the C test helpers under src/test/resources with gcc (once per JVM) and states what
 * the real-kernel tests need: root-level access to perf events and tracefs, and gcc. Where those
 * are missing the tests are aborted by assumption with the reason; the CI machine has them.
 */
final class NativeHelpers {
    private static final Map<String, Path> COMPILED = new HashMap<>();

    private NativeHelpers() {
    }

    /** Aborts the calling test unless the host backend works here. */
    static void assumeHostTracing() {
        HostException cause = HostSupport.unavailabilityCause();
        assertNull(cause, () -> "host tracing unavailable: " + cause.getMessage());
    }

    /** The binary built from {@code io/ktap/host/<name>.c}. */
    static Path binary(String name) throws IOException, InterruptedException {
        return binary(name, "");
    }

    /** The binary built from {@code io/ktap/host/<name>.c} with one extra gcc flag (e.g. {@code -no-pie}). */
    static synchronized Path binary(String name, String flag) throws IOException, InterruptedException {
        String key = flag.isEmpty() ? name : name + flag.replace('-', '_');
        Path done = COMPILED.get(key);
        if (done != null) {
            return done;
        }
        Path dir = Path.of("target", "test-native").toAbsolutePath();
        Files.createDirectories(dir);
        Path source = dir.resolve(name + ".c");
        try (InputStream in = NativeHelpers.class.getResourceAsStream(name + ".c")) {
            if (in == null) {
                throw new IOException("no resource " + name + ".c");
            }
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        Path out = dir.resolve(key);
        java.util.List<String> command = new java.util.ArrayList<>(
                java.util.List.of("gcc", "-O1", "-Wall", "-Werror", "-o", out.toString(), source.toString()));
        if (!flag.isEmpty()) {
            command.add(1, flag);
        }
        Process gcc;
        try {
            gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("gcc is needed to build the test helpers: " + e.getMessage());
            throw e;
        }
        String output = new String(gcc.getInputStream().readAllBytes());
        if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
            throw new IOException("gcc failed for " + name + ":\n" + output);
        }
        COMPILED.put(key, out);
        return out;
    }
}
