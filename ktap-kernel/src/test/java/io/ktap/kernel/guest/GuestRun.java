package io.ktap.kernel.guest;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The outcome of one {@link GuestHarness#run} call: the exit status of run-in-guest (the
 * command's own, or {@link GuestHarness#EXIT_TIMEOUT} / {@link GuestHarness#EXIT_HARNESS}), what
 * the command wrote to stdout and stderr (stderr also carries the harness's own messages), and
 * the guest's kernel log (its serial console).
 */
record GuestRun(int exitCode, String stdout, String stderr, String kernelLog) {

    /**
     * Kernel log lines that mean something went wrong in the kernel. run-in-guest fails a run on
     * these by itself; tests check again so that a harness regression cannot hide a kernel bug.
     */
    static final Pattern KERNEL_TROUBLE = Pattern.compile(
            "Oops|BUG:|kernel BUG at|WARNING:|\\[ cut here \\]|Kernel panic|general protection fault"
                    + "|Call Trace:|UBSAN:|KASAN:|soft lockup|hard LOCKUP|blocked for more than");

    /** The stdout lines. */
    List<String> stdoutLines() {
        return stdout.lines().toList();
    }

    /** The kernel log lines matching {@link #KERNEL_TROUBLE}. */
    List<String> kernelTrouble() {
        return kernelLog.lines().filter(l -> KERNEL_TROUBLE.matcher(l).find()).toList();
    }

    /** Everything, for assertion messages. */
    String describe() {
        return "exit status " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr
                + "--- kernel log ---\n" + kernelLog;
    }
}
