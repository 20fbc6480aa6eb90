package io.ktap.trace;

/**
 * The service through which a module contributes a {@link TraceBackend}: listed in
 * {@code META-INF/services/io.ktap.trace.TraceBackendProvider} and found by {@link Backends} with
 * {@link java.util.ServiceLoader}. ktap-bytecode provides {@code sim}; ktap-kernel provides
 * {@code kernel} and {@code host}.
 */
public interface TraceBackendProvider {

    /** The name of the backend this provider creates ({@code sim}, {@code kernel}, {@code host}). */
    String name();

    /** Creates the backend. Called at most once per {@link Backends} lookup; must not throw. */
    TraceBackend create();
}
