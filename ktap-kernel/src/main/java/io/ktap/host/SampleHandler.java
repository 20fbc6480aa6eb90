package io.ktap.host;

/**
 * Receives what {@link HostTracer#poll} reads from the rings, on the polling thread.
 */
public interface SampleHandler {
    /**
     * One sample. The view is reused for the next sample: copy what you keep
     * ({@link SampleView#toSample()}).
     */
    void onSample(SampleView sample);

    /**
     * The kernel dropped {@code count} samples on {@code cpu}'s ring because it was full. Lost
     * samples are data: a tracer reports them, it does not hide them.
     */
    void onLost(int cpu, long count);
}
