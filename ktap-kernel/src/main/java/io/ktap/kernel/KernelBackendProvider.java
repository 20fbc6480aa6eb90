package io.ktap.kernel;

import io.ktap.trace.TraceBackend;
import io.ktap.trace.TraceBackendProvider;

/** Registers the {@code kernel} backend with {@link io.ktap.trace.Backends}. */
public final class KernelBackendProvider implements TraceBackendProvider {

    @Override
    public String name() {
        return "kernel";
    }

    @Override
    public TraceBackend create() {
        return new KernelBackend();
    }
}
