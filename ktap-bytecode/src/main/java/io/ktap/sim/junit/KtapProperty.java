package io.ktap.sim.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * A jqwik property whose non-{@code @ForAll} parameters are supplied as for {@link KtapTest}: a
 * fresh {@link io.ktap.sim.KtapSim} (or {@link io.ktap.sim.SimKernel}, or a {@link Script}
 * session) for every try, closed after it.
 *
 * <pre>{@code
 * @KtapProperty
 * void countsEveryRead(@ForAll @IntRange(max = 50) int reads,
 *                      @Script("var n = 0\ntrace syscalls:sys_enter_read { n += 1 }") SimSession s) {
 *     for (int i = 0; i < reads; i++) s.fire("syscalls:sys_enter_read");
 *     assertEquals((long) reads, s.global("n"));
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Property
@AddLifecycleHook(KtapJqwikHook.class)
public @interface KtapProperty {
}
