package io.ktap.host;

import io.ktap.trace.TraceBackend;
import io.ktap.trace.TraceBackendProvider;

/** Registers the {@code host} backend with {@link io.ktap.trace.Backends}. */
public final class HostBackendProvider implements TraceBackendProvider {

    @Override
    public String name() {
        return "host";
    }

    @Override
    public TraceBackend create() {
        return new HostBackend();
    }
}
