package io.ktap.cli;

import java.util.Locale;
import java.util.Optional;

/** The {@code --backend} choices: where the handlers run. */
public enum Backend {
    /** The kernel backend if the ktapvm module is loaded, else the host backend. */
    AUTO,
    /** The ktapvm kernel module runs the chunk; output comes back through its per-CPU rings. */
    KERNEL,
    /** No module: the kernel's perf rings feed the Java reference VM. */
    HOST,
    /** The simulated kernel: deterministic, no real events. */
    SIM;

    /** The name used on the command line. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The backend named {@code name} on the command line ({@code auto}, {@code sim}, ...). */
    public static Optional<Backend> fromOptionName(String name) {
        for (Backend b : values()) {
            if (b.optionName().equals(name)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }
}
