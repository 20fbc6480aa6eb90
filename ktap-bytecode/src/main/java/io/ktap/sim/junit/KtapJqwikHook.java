package io.ktap.sim.junit;

import io.ktap.sim.KtapSim;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.ParameterResolutionContext;
import net.jqwik.api.lifecycle.ResolveParameterHook;
import net.jqwik.api.lifecycle.Store;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

/**
 * The jqwik lifecycle hook behind {@link KtapProperty}: resolves the simulated-kernel parameters
 * with a fresh fixture per try and closes it when the try ends.
 */
public final class KtapJqwikHook implements ResolveParameterHook, AroundTryHook {

    private static final String KEY = KtapJqwikHook.class.getName();

    @Override
    public Optional<ParameterSupplier> resolve(ParameterResolutionContext parameter, LifecycleContext context) {
        if (!Fixtures.supports(parameter.parameter())) {
            return Optional.empty();
        }
        Class<?> testClass = parameter.optionalMethod().<Class<?>>map(java.lang.reflect.Method::getDeclaringClass)
                .orElse(Object.class);
        return Optional.of(tryContext -> Fixtures.resolve(parameter.parameter(), fixture(), testClass));
    }

    private static KtapSim fixture() {
        return Store.getOrCreate(KEY, net.jqwik.api.lifecycle.Lifespan.TRY, KtapSim::new).get();
    }

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
        try {
            return aTry.execute(parameters);
        } finally {
            fixture().close();
        }
    }
}
