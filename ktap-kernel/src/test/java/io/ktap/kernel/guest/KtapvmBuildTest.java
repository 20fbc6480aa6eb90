package io.ktap.kernel.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ktapvm.ko builds with Kbuild against Debian's 6.1 headers (fetched by run-in-guest) with zero
 * warnings at W=1, and is a GPL module that uses no private lookup tricks.
 */
class KtapvmBuildTest {

    private static final Pattern WARNING = Pattern.compile("(?i)warning");

    private static GuestHarness harness;
    private static Map<String, String> config;
    private static Path ko;
    private static String buildLog;

    @BeforeAll
    static void build() throws IOException {
        harness = GuestHarness.locate();
        config = harness.prepare();
        Path src = harness.moduleDir().resolve("src/main/c");
        Path dir = harness.buildDir().resolve("ktapvm-build");
        deleteTree(dir);
        copyTree(src, dir);
        // W=1 without 'e': warnings must show up in the log, where the test looks for them.
        GuestHarness.Result r = GuestHarness.exec(
                List.of("make", "-C", dir.toString(), "KDIR=" + config.get("KDIR"), "W=1"), Duration.ofMinutes(5));
        buildLog = r.describe();
        assertEquals(0, r.exitCode(), buildLog);
        ko = dir.resolve("ktapvm.ko");
    }

    @Test
    void buildsWithoutWarnings() {
        assertTrue(buildLog.contains("LD [M]"), "Kbuild did not link the module:\n" + buildLog);
        List<String> warnings = buildLog.lines().filter(l -> WARNING.matcher(l).find()).toList();
        assertEquals(List.of(), warnings, buildLog);
        assertTrue(Files.isRegularFile(ko), "no ktapvm.ko:\n" + buildLog);
    }

    @Test
    void isGplAndBuiltForTheGuestKernel() throws IOException {
        String modinfo = modinfo();
        assertTrue(modinfo.contains("\0license=GPL\0"), "license");
        assertTrue(modinfo.contains("\0vermagic=" + config.get("KVER") + " "), "vermagic for " + config.get("KVER"));
        assertTrue(modinfo.contains("\0name=ktapvm\0"), "module name");
    }

    @Test
    void usesNoPrivateSymbolLookup() throws IOException {
        String image = new String(Files.readAllBytes(ko), StandardCharsets.ISO_8859_1);
        assertFalse(image.contains("kallsyms_lookup_name"), "ktapvm.ko references kallsyms_lookup_name");
    }

    /** The .modinfo strings (and everything else) of the .ko, NUL-separated as in the ELF file. */
    private static String modinfo() throws IOException {
        return "\0" + new String(Files.readAllBytes(ko), StandardCharsets.ISO_8859_1);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
