package io.ktap.kernel;

import io.ktap.trace.TraceBackend;
import io.ktap.trace.TraceException;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceProgram;
import io.ktap.trace.TraceSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code kernel} backend's availability: whether the ktapvm module is loaded here (its
 * control file {@code /sys/kernel/debug/ktap/ktapvm} exists). This build has no transport to the
 * module yet, so the backend is never available: {@link io.ktap.trace.Backends#auto()} then picks
 * the host backend, and the cause says whether the module was found.
 */
public final class KernelBackend implements TraceBackend {

    /** The module's control file. */
    public static final Path CONTROL_FILE = Path.of("/sys/kernel/debug/ktap/ktapvm");

    private final String cause;

    public KernelBackend() {
        this.cause = Files.exists(CONTROL_FILE)
                ? "ktapvm is loaded (" + CONTROL_FILE + "), but this build has no transport to it yet"
                : "the ktapvm module is not loaded (" + CONTROL_FILE + " does not exist)";
    }

    @Override
    public String name() {
        return "kernel";
    }

    @Override
    public boolean isAvailable() {
        return false;
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return Optional.of(cause);
    }

    @Override
    public TraceSession open(TraceProgram program, TraceOptions options) {
        throw new TraceException("backend kernel is unavailable: " + cause);
    }

    @Override
    public String toString() {
        return "KernelBackend[unavailable: " + cause + "]";
    }
}
