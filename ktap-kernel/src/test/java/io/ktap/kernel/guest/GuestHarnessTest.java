package io.ktap.kernel.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * run-in-guest itself: it runs Java with the project's classes in the guest and hands back
 * output and exit status, and it fails runs whose kernel misbehaved or that hang.
 */
class GuestHarnessTest {

    private static GuestHarness harness;

    @BeforeAll
    static void prepare() {
        harness = GuestHarness.locate();
        harness.prepare();
    }

    @Test
    void runsJavaWithTheProjectClassPathAndReturnsOutputAndStatus() {
        GuestRun run = harness.run(List.of(), List.of(GuestHarness.javaLauncher(), "-cp", GuestHarness.testClassPath(),
                GuestProbe.class.getName(), "a b", "$HOME", "'"), Duration.ofMinutes(5));

        assertEquals(3, run.exitCode(), run.describe());
        assertEquals(List.of(
                "java.specification.version=" + System.getProperty("java.specification.version"),
                "guest=1",
                "control_file=true",
                "module_taint=OE",
                "args=a b|$HOME|'"), run.stdoutLines(), run.describe());
        assertTrue(run.stderr().contains("probe-stderr"), run.describe());
        assertEquals(List.of(), run.kernelTrouble(), run.describe());
    }

    @Test
    void kernelPanicFailsTheRunAndShowsTheLog() {
        GuestRun run = harness.run(List.of(), List.of("sh", "-c", "echo c > /proc/sysrq-trigger"),
                Duration.ofMinutes(5));

        assertEquals(GuestHarness.EXIT_HARNESS, run.exitCode(), run.describe());
        assertTrue(run.stderr().contains("Kernel panic - not syncing: sysrq triggered crash"), run.describe());
    }

    @Test
    void foreignTaintFailsTheRun() {
        // 512 is TAINT_WARN ('W'), which a WARN() sets: not the module's own O/E taint.
        GuestRun run = harness.run(List.of(), List.of("sh", "-c", "echo 512 > /proc/sys/kernel/tainted"),
                Duration.ofMinutes(5));

        assertEquals(GuestHarness.EXIT_HARNESS, run.exitCode(), run.describe());
        assertTrue(run.stderr().contains("the kernel is tainted"), run.describe());
    }

    @Test
    void timeoutKillsAHungGuest() {
        GuestRun run = harness.run(List.of(), List.of("sleep", "100000"), Duration.ofSeconds(10));

        assertEquals(GuestHarness.EXIT_TIMEOUT, run.exitCode(), run.describe());
    }
}
