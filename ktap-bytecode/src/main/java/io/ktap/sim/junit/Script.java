package io.ktap.sim.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link io.ktap.sim.SimSession} parameter of a {@link KtapTest} or {@link KtapProperty}:
 * the session of this script, loaded and started on the test's kernel. Give the text, or a class
 * path resource holding it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Script {

    /** The script's text. */
    String value() default "";

    /** A class path resource holding the script ({@code /scripts/count.kp}), instead of the text. */
    String resource() default "";

    /** The script's arguments ({@code arg[1]}...). */
    String[] args() default {};

    /**
     * The Java record classes of the typed records the script emits ({@code emit("Name", ...)}
     * names one by its simple name); none: record types are inferred from the emit calls.
     */
    Class<? extends Record>[] records() default {};
}
