/**
 * The backend SPI and the records users receive: {@link io.ktap.trace.TraceBackend} opens a
 * {@link io.ktap.trace.TraceSession} for a {@link io.ktap.trace.TraceProgram}, which delivers
 * {@link io.ktap.trace.TraceOutput} records. {@link io.ktap.trace.Backends} finds the backends on
 * the class path ({@code sim}, {@code kernel}, {@code host}, {@code auto}).
 */
package io.ktap.trace;
