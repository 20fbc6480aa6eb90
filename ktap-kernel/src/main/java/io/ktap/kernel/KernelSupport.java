package io.ktap.kernel;

import java.nio.file.Files;
import java.util.Optional;

/**
 * Whether the kernel backend can run here, probed once: Linux, JNA and libc loadable, and the
 * control file of a loaded ktapvm.ko reachable ({@link Ktapvm#CONTROL}; debugfs is root-only).
 */
public final class KernelSupport {

    private static final Optional<String> CAUSE = probe();

    private KernelSupport() {
    }

    public static boolean isAvailable() {
        return CAUSE.isEmpty();
    }

    /** Why the kernel backend cannot run, or empty. */
    public static Optional<String> unavailabilityCause() {
        return CAUSE;
    }

    private static Optional<String> probe() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Optional.of("ktapvm.ko runs on Linux only");
        }
        if (!Files.exists(Ktapvm.CONTROL)) {
            return Optional.of(Ktapvm.CONTROL + " does not exist or is not accessible: ktapvm.ko is not loaded,"
                    + " debugfs is not mounted, or this process is not root");
        }
        try {
            Class.forName("io.ktap.kernel.internal.KLibC", true, KernelSupport.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of("JNA cannot bind libc: " + e);
        }
        return Optional.empty();
    }
}
