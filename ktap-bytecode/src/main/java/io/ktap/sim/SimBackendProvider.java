package io.ktap.sim;

import io.ktap.trace.TraceBackend;
import io.ktap.trace.TraceBackendProvider;

/** Registers the {@code sim} backend with {@link io.ktap.trace.Backends}. */
public final class SimBackendProvider implements TraceBackendProvider {

    @Override
    public String name() {
        return "sim";
    }

    @Override
    public TraceBackend create() {
        return new SimBackend();
    }
}
