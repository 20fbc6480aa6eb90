package io.ktap.kernel.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands in the QEMU test guest through {@code ktap-kernel/vm/run-in-guest}: a Debian
 * kernel with ktapvm.ko loaded, the host's files visible (copy-on-write) at the same paths, so a
 * command such as {@code java -cp <test class path> SomeMain} runs there unchanged.
 *
 * <p>Nothing here is optional: when the harness cannot prepare or boot the guest (no qemu and no
 * way to install it, no package mirror), every method throws {@link IllegalStateException} with
 * the harness's own explanation, and the calling test fails with it. The locations come from
 * system properties set by the module's pom ({@code ktap.guest.harness}, {@code ktap.build.dir},
 * {@code ktap.kernel.basedir}).
 */
final class GuestHarness {

    /** run-in-guest's exit status when the guest was killed by the timeout. */
    static final int EXIT_TIMEOUT = 124;
    /** run-in-guest's exit status for a harness failure or a kernel problem (oops, warning, taint). */
    static final int EXIT_HARNESS = 125;

    private static final Duration PREPARE_TIMEOUT = Duration.ofMinutes(20);
    /** How long past the guest's own timeout the harness gets to report before it is killed. */
    private static final Duration GRACE = Duration.ofSeconds(60);

    private final Path script;
    private final Path buildDir;
    private final Path moduleDir;

    private GuestHarness(Path script, Path buildDir, Path moduleDir) {
        this.script = script;
        this.buildDir = buildDir;
        this.moduleDir = moduleDir;
    }

    /** The harness of this checkout, located through the pom's system properties. */
    static GuestHarness locate() {
        Path moduleDir = Path.of(System.getProperty("ktap.kernel.basedir", System.getProperty("user.dir")));
        Path script = Path.of(System.getProperty("ktap.guest.harness", moduleDir.resolve("vm/run-in-guest").toString()));
        Path buildDir = Path.of(System.getProperty("ktap.build.dir", moduleDir.resolve("target").toString()));
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("guest harness not found or not executable: " + script);
        }
        return new GuestHarness(script, buildDir, moduleDir);
    }

    /** The ktap-kernel module directory. */
    Path moduleDir() {
        return moduleDir;
    }

    /** Maven's build directory of ktap-kernel (target/). */
    Path buildDir() {
        return buildDir;
    }

    /**
     * Prepares the guest (installing and downloading on first use, building ktapvm.ko) and returns
     * run-in-guest's {@code --print-config}: KVER, KPKGVER, KDIR, KTAPVM_KO, VMLINUX.
     */
    Map<String, String> prepare() {
        Result r = exec(List.of(script.toString(), "--print-config"), PREPARE_TIMEOUT);
        if (r.exitCode != 0) {
            throw new IllegalStateException("the guest harness cannot prepare the guest (exit status "
                    + r.exitCode + "):\n" + r.stderr + r.stdout);
        }
        Map<String, String> config = new LinkedHashMap<>();
        r.stdout.lines().filter(l -> l.contains("=")).forEach(l -> {
            int eq = l.indexOf('=');
            config.put(l.substring(0, eq), l.substring(eq + 1));
        });
        return config;
    }

    /**
     * Boots the guest and runs {@code command} in it.
     *
     * @param options run-in-guest options (for instance {@code --smp 2}); {@code --timeout} and
     *                {@code --kernel-log} are added here
     * @param command the command and its arguments, run in this JVM's working directory
     * @param timeout how long the guest may run before it is killed (exit status 124)
     */
    GuestRun run(List<String> options, List<String> command, Duration timeout) {
        Path log;
        try {
            Files.createDirectories(buildDir);
            log = Files.createTempFile(buildDir, "guest-kernel", ".log");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the kernel log file in " + buildDir, e);
        }
        try {
            List<String> argv = new ArrayList<>();
            argv.add(script.toString());
            argv.addAll(options);
            argv.addAll(List.of("--timeout", Long.toString(timeout.toSeconds()), "--kernel-log", log.toString(), "--"));
            argv.addAll(command);
            Result r = exec(argv, PREPARE_TIMEOUT.plus(timeout).plus(GRACE));
            String kernelLog = readLenient(log);
            return new GuestRun(r.exitCode, r.stdout, r.stderr, kernelLog);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the guest's kernel log " + log, e);
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a leftover file in target/ is harmless
            }
        }
    }

    /** The java launcher of this JVM, for running Java in the guest. */
    static String javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The class path of the running tests (Surefire's real one, not its manifest-only booter
     * jar): pass it to {@code java -cp} in the guest to run project classes there.
     */
    static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** Runs a host command to completion; output goes through files so no pipe can fill up. */
    static Result exec(List<String> argv, Duration timeout) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("ktap-exec", ".out");
            err = Files.createTempFile("ktap-exec", ".err");
            Process p = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                throw new IllegalStateException(argv.get(0) + " did not finish within " + timeout + ":\n"
                        + readLenient(err) + readLenient(out));
            }
            return new Result(p.exitValue(), readLenient(out), readLenient(err));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", argv), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv.get(0), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Reads a file as UTF-8, replacing malformed bytes (kernel logs are not always clean text). */
    static String readLenient(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary file is harmless
        }
    }

    /** A finished host process. */
    record Result(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit status " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }
}
