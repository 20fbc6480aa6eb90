/**
 * The classic ktap examples as Java programs: each builds, with the fluent API
 * ({@link io.ktap.api.Ktap}), the same program as its script in {@code ktap-examples/scripts}, and
 * runs it on {@link io.ktap.trace.Backends#auto()}. Programs that report events emit typed records
 * decoded into Java record classes.
 */
package io.ktap.examples;
