package io.ktap.kernel.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny program GuestHarnessTest runs inside the guest with the project's test class path, to
 * show that a JVM, the project's classes and the loaded module are all there. Prints what it
 * sees on stdout, one {@code key=value} per line, a marker on stderr, and exits with status 3.
 */
public final class GuestProbe {

    private GuestProbe() {
    }

    public static void main(String[] args) throws IOException {
        Path ctl = Path.of("/sys/kernel/debug/ktap/ktapvm");
        Path taint = Path.of("/sys/module/ktapvm/taint");
        System.out.println("java.specification.version=" + System.getProperty("java.specification.version"));
        System.out.println("guest=" + System.getenv("KTAP_GUEST"));
        System.out.println("control_file=" + Files.isRegularFile(ctl));
        System.out.println("module_taint=" + (Files.exists(taint) ? Files.readString(taint).strip() : "absent"));
        System.out.println("args=" + String.join("|", args));
        System.err.println("probe-stderr");
        System.exit(3);
    }
}
