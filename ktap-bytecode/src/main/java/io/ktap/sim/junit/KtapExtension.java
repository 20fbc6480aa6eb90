package io.ktap.sim.junit;

import io.ktap.sim.KtapSim;
import io.ktap.sim.SimKernel;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Supplies {@link KtapTest} parameters: one {@link KtapSim} per test (its kernel configured by the
 * annotation), closed when the test ends, so every session's end block runs.
 */
public final class KtapExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KtapExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return Fixtures.supports(parameter.getParameter());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return Fixtures.resolve(parameter.getParameter(), fixture(context), context.getRequiredTestClass());
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("cannot supply " + parameter.getParameter() + ": " + e.getMessage(), e);
        }
    }

    private static KtapSim fixture(ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent("sim", k -> {
            int cpus = context.getTestMethod().map(m -> m.getAnnotation(KtapTest.class)).map(KtapTest::cpus).orElse(2);
            return new Resource(new KtapSim(new SimKernel().cpus(cpus)));
        }, Resource.class).sim;
    }

    /** Closes the fixture when JUnit drops the test's store. */
    private record Resource(KtapSim sim) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            sim.close();
        }
    }
}
