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
 * The kernel backend end to end on the real ktapvm.ko: {@link KernelE2E} runs in one guest boot
 * (its checks: exact syscall counts for {@code -p PID} and an enable-on-exec command, kernel
 * filters, a kprobe with fetch args read through user_string, a kretprobe's $retval, a uprobe and
 * uretprobe on a gcc-built function, tick-N / profile-N with exit() from a handler and the end
 * block, argevent as tracefs prints it, print_backtrace, an overflowed ring with received + lost
 * == produced, a runtime error as an error record with teardown, the golden corpus against the
 * Java VM, 1,000 mutated chunks, and close leaving nothing in tracefs). Each check becomes one
 * JUnit test; then the kernel log must be clean.
 */
class KernelBackendGuestTest {

    private static final List<String> CHECKS = List.of(
            "backend_auto_is_kernel",
            "count_syscalls_of_pid",
            "count_syscalls_of_command",
            "count_syscalls_of_command_option",
            "filter",
            "syscall_fast_path_system_wide",
            "kprobe_fetch_args_user_string",
            "kretprobe_retval",
            "uprobe_and_uretprobe",
            "tick_profile_exit_end",
            "argevent_like_tracefs",
            "print_backtrace",
            "emit_typed_records",
            "zero_copy_view",
            "ring_overflow_exact_lost",
            "runtime_error_record_and_teardown",
            "golden_corpus_same_as_java_vm",
            "mutated_chunks_rejected_or_safe",
            "close_idempotent_nothing_left",
            "dying_reader_concurrent_sessions_rmmod",
            "perf_software_events",
            "perf_breakpoints",
            "perf_hardware_events_without_pmu");

    private static final Pattern RESULT = Pattern.compile("^(ok|not ok) (\\w+)(?: \\(\\d+ ms\\))?(?:: (.*))?$");

    @TestFactory
    List<DynamicTest> kernelBackendInGuest() {
        GuestHarness harness = GuestHarness.locate();
        harness.prepare();
        Path target = compileTarget(harness);
        Path corpus = Path.of(System.getProperty("ktap.corpus", "../ktap-compiler/src/test/resources/corpus"))
                .toAbsolutePath();

        // -Dktap.guest.only=check,check... runs those checks alone (a focused run)
        List<String> only = List.of(System.getProperty("ktap.guest.only", "").split(",")).stream()
                .filter(c -> !c.isBlank()).toList();
        List<String> command = new ArrayList<>(List.of(GuestHarness.javaLauncher(), "-cp",
                GuestHarness.testClassPath(), KernelE2E.class.getName(), target.toString(), corpus.toString()));
        command.addAll(only);
        GuestRun run = harness.run(List.of("--smp", "2"), command, Duration.ofMinutes(20));

        Map<String, Matcher> results = new LinkedHashMap<>();
        for (String line : run.stdoutLines()) {
            Matcher m = RESULT.matcher(line);
            if (m.matches()) {
                results.put(m.group(2), m);
            }
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (String check : CHECKS) {
            if (!only.isEmpty() && !only.contains(check)) {
                continue;
            }
            tests.add(dynamicTest(check, () -> {
                Matcher m = results.get(check);
                assertTrue(m != null, "the guest did not report " + check + ":\n" + run.describe());
                assertEquals("ok", m.group(1), check + ": " + m.group(3) + "\n" + run.describe());
            }));
        }
        tests.add(dynamicTest("reports_only_known_checks",
                () -> assertEquals(only.isEmpty() ? CHECKS : CHECKS.stream().filter(only::contains).toList(),
                        List.copyOf(results.keySet()), run.describe())));
        tests.add(dynamicTest("harness_exit_status_0", () -> assertEquals(0, run.exitCode(), run.describe())));
        tests.add(dynamicTest("kernel_log_clean", () -> assertEquals(List.of(), run.kernelTrouble(), run.describe())));
        return tests;
    }

    static Path compileTarget(GuestHarness harness) {
        Path src = harness.moduleDir().resolve("src/test/resources/io/ktap/kernel/ktap_target.c");
        Path out = harness.buildDir().resolve("guest/ktap_target");
        try {
            Files.createDirectories(out.getParent());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create " + out.getParent(), e);
        }
        GuestHarness.Result r = GuestHarness.exec(List.of("gcc-12", "-O1", "-Wall", "-Werror", "-o", out.toString(),
                src.toString()), Duration.ofMinutes(2));
        assertEquals(0, r.exitCode(), "compiling the test target:\n" + r.describe());
        return out;
    }
}
