package io.ktap.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The backends on the class path, found through {@link TraceBackendProvider} services. A backend
 * whose module is missing is still returned, unavailable, with the reason: callers check
 * {@link TraceBackend#isAvailable()} rather than catching linkage errors.
 */
public final class Backends {

    /** The simulated kernel, in ktap-bytecode. */
    public static final String SIM = "sim";
    /** The ktapvm kernel module, in ktap-kernel. */
    public static final String KERNEL = "kernel";
    /** The host's perf rings feeding the Java VM, in ktap-kernel. */
    public static final String HOST = "host";

    private Backends() {
    }

    /** The simulated kernel: deterministic synthetic events and a virtual clock, for tests. */
    public static TraceBackend sim() {
        return byName(SIM);
    }

    /** The ktapvm kernel module. */
    public static TraceBackend kernel() {
        return byName(KERNEL);
    }

    /** The host backend: the kernel's perf rings read through JNA, handlers in the Java VM. */
    public static TraceBackend host() {
        return byName(HOST);
    }

    /**
     * The kernel backend if it is available, else the host backend if it is, else an unavailable
     * backend whose cause says why neither can run. Never the simulator.
     */
    public static TraceBackend auto() {
        TraceBackend kernel = kernel();
        if (kernel.isAvailable()) {
            return kernel;
        }
        TraceBackend host = host();
        if (host.isAvailable()) {
            return host;
        }
        return new Unavailable("auto", "no backend can trace this host: kernel: "
                + kernel.unavailabilityCause().orElse("?") + "; host: " + host.unavailabilityCause().orElse("?"));
    }

    /**
     * The backend named {@code name} ({@code sim}, {@code kernel}, {@code host}, {@code auto}, or a
     * third-party one), unavailable with a reason when no provider on the class path offers it.
     */
    public static TraceBackend byName(String name) {
        if ("auto".equals(name)) {
            return auto();
        }
        for (TraceBackendProvider provider : providers()) {
            if (provider.name().equals(name)) {
                return provider.create();
            }
        }
        return new Unavailable(name, switch (name) {
            case SIM -> "the sim backend needs ktap-bytecode on the class path";
            case KERNEL, HOST -> "the " + name + " backend needs ktap-kernel on the class path";
            default -> "no backend named '" + name + "' on the class path";
        });
    }

    /** The names of the backends on the class path. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (TraceBackendProvider provider : providers()) {
            names.add(provider.name());
        }
        return names;
    }

    private static Iterable<TraceBackendProvider> providers() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return ServiceLoader.load(TraceBackendProvider.class, loader == null ? Backends.class.getClassLoader() : loader);
    }

    /** A backend that cannot run, with the reason. */
    private record Unavailable(String name, String cause) implements TraceBackend {
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
            throw new TraceException("backend " + name + " is unavailable: " + cause);
        }
    }
}
