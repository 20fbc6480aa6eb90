package io.ktap.kernel.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The real ktapvm.ko in the guest: src/test/c/ktapvm_selftest.c runs there as root with the
 * module loaded and reports one line per check, which become one JUnit test each. The checks:
 * the module is live; ktap/ktapvm in debugfs is a root-owned 0600 file; root opens and closes it
 * thousands of times; every open session pins the module (refcnt) and closing releases it; root
 * without CAP_SYS_ADMIN is refused with EPERM and an ordinary user with EACCES; unloading while a
 * session is open is refused (EWOULDBLOCK: the decided behaviour, sessions pin the module), and
 * after the last close the module unloads, leaves nothing behind and loads again; unload attempts
 * hammering the reference count while processes open and close sessions are all refused and leave
 * the count exact. Then the kernel log must be free of oopses and warnings.
 */
class KtapvmGuestTest {

    /** Every check the self-test must report, in its order. */
    private static final List<String> CHECKS = List.of(
            "module_loaded",
            "control_file_mode_0600",
            "root_opens_and_closes",
            "sessions_pin_module",
            "refused_without_cap_sys_admin",
            "load_refused_without_cap_sys_admin",
            "refused_to_unprivileged_user",
            "unload_busy_while_open_then_reload",
            "unload_refused_while_sessions_churn",
            "module_loaded_at_end");

    private static final Pattern RESULT = Pattern.compile("^(ok|not ok) (\\w+)(?:: (.*))?$");

    @TestFactory
    List<DynamicTest> moduleInGuest() {
        GuestHarness harness = GuestHarness.locate();
        harness.prepare();
        Path selftest = compileSelftest(harness);

        GuestRun run = harness.run(List.of("--smp", "2"), List.of(selftest.toString()), Duration.ofMinutes(5));

        Map<String, Matcher> results = new LinkedHashMap<>();
        for (String line : run.stdoutLines()) {
            Matcher m = RESULT.matcher(line);
            if (m.matches()) {
                results.put(m.group(2), m);
            }
        }

        List<DynamicTest> tests = new ArrayList<>();
        for (String check : CHECKS) {
            tests.add(dynamicTest(check, () -> {
                Matcher m = results.get(check);
                assertTrue(m != null, "the self-test did not report " + check + ":\n" + run.describe());
                assertEquals("ok", m.group(1), check + ": " + m.group(3) + "\n" + run.describe());
            }));
        }
        tests.add(dynamicTest("selftest_reports_only_known_checks",
                () -> assertEquals(CHECKS, List.copyOf(results.keySet()), run.describe())));
        tests.add(dynamicTest("harness_exit_status_0", () -> assertEquals(0, run.exitCode(), run.describe())));
        tests.add(dynamicTest("kernel_log_clean", () -> {
            assertEquals(List.of(), run.kernelTrouble(), run.describe());
            assertTrue(run.kernelLog().contains("ktapvm: control file ktap/ktapvm ready"), run.describe());
            assertTrue(run.kernelLog().contains("ktapvm: unloaded"), run.describe());
        }));
        return tests;
    }

    private static Path compileSelftest(GuestHarness harness) {
        Path src = harness.moduleDir().resolve("src/test/c/ktapvm_selftest.c");
        Path out = harness.buildDir().resolve("guest/ktapvm_selftest");
        try {
            Files.createDirectories(out.getParent());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create " + out.getParent(), e);
        }
        // gcc-12 is what run-in-guest installs for Kbuild; the helper needs nothing more.
        GuestHarness.Result r = GuestHarness.exec(List.of("gcc-12", "-std=gnu11", "-O2", "-Wall", "-Wextra",
                "-Werror", "-o", out.toString(), src.toString()), Duration.ofMinutes(2));
        assertEquals(0, r.exitCode(), "compiling the self-test:\n" + r.describe());
        return out;
    }
}
