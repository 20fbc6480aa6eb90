package io.ktap.sim.junit;

import io.ktap.sim.KtapSim;
import io.ktap.sim.SimKernel;
import io.ktap.sim.SimSession;
import io.ktap.trace.TraceOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What the JUnit extension and the jqwik hook share: which parameters they supply, and how. */
final class Fixtures {

    private Fixtures() {
    }

    static boolean supports(Parameter p) {
        Class<?> t = p.getType();
        return t == KtapSim.class || t == SimKernel.class || (t == SimSession.class && p.isAnnotationPresent(Script.class));
    }

    static Object resolve(Parameter p, KtapSim sim, Class<?> testClass) {
        Class<?> t = p.getType();
        if (t == KtapSim.class) {
            return sim;
        }
        if (t == SimKernel.class) {
            return sim.kernel();
        }
        Script script = p.getAnnotation(Script.class);
        String name = script.resource().isEmpty() ? "test.kp"
                : script.resource().substring(script.resource().lastIndexOf('/') + 1);
        String text = script.resource().isEmpty() ? script.value() : read(testClass, script.resource());
        return sim.load(io.ktap.trace.TraceProgram.compile(name, text).withRecords(script.records()),
                TraceOptions.defaults().scriptArgs(name, List.of(script.args())));
    }

    private static String read(Class<?> testClass, String resource) {
        try (InputStream in = testClass.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no class path resource " + resource + " for @Script");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
