package io.ktap.sim.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A JUnit 5 test that runs ktap programs on the simulated kernel. Its parameters may be a
 * {@link io.ktap.sim.KtapSim} (the fixture), a {@link io.ktap.sim.SimKernel}, or a
 * {@link io.ktap.sim.SimSession} annotated with {@link Script} (loaded and started). Everything is
 * fresh for each test and closed after it.
 *
 * <pre>{@code
 * @KtapTest(cpus = 4)
 * void countsOpens(@Script("var n = {}\ntrace syscalls:sys_enter_openat { n[execname()] += 1 }") SimSession s) {
 *     s.fireAs(SimTask.of(42, "cat"), 1, "syscalls:sys_enter_openat", Map.of());
 *     assertEquals(Map.of("cat", 1L), s.table("n"));
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Test
@ExtendWith(KtapExtension.class)
public @interface KtapTest {

    /** The simulated kernel's CPU count. */
    int cpus() default 2;
}
