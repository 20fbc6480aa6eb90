package io.ktap.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every permitted variant of a node category has exactly one visit method in its Visitor. */
class VisitorCoverageTest {

    @ParameterizedTest
    @ValueSource(classes = {Expr.class, Stmt.class, Probe.class})
    void everyVariantHasAVisitMethod(Class<?> category) throws Exception {
        Class<?> visitor = Class.forName(category.getName() + "$Visitor");
        Class<?>[] variants = category.getPermittedSubclasses();
        assertTrue(variants.length > 0, category + " is sealed with variants");

        Set<String> missing = new TreeSet<>();
        for (Class<?> variant : variants) {
            long methods = Arrays.stream(visitor.getMethods())
                    .filter(m -> m.getParameterCount() == 1 && m.getParameterTypes()[0] == variant)
                    .filter(m -> m.getName().equals("visit" + variant.getSimpleName()))
                    .count();
            if (methods != 1) {
                missing.add(variant.getSimpleName());
            }
            // accept(visitor) must exist on every variant and be what dispatches to it
            Method accept = variant.getMethod("accept", visitor);
            assertTrue(!Modifier.isAbstract(accept.getModifiers()), variant + " implements accept");
        }
        assertEquals(Set.of(), missing, "variants of " + category.getSimpleName() + " without a visit method");

        Set<String> visited = Arrays.stream(visitor.getMethods()).map(m -> m.getParameterTypes()[0].getSimpleName())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> permitted = Arrays.stream(variants).map(Class::getSimpleName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(permitted, visited, "visit methods of " + visitor.getSimpleName() + " match the variants one to one");
    }
}
