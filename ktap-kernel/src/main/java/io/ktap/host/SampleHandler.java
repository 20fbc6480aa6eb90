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

    /**
     * A task on {@code cpu} got the command name {@code comm} (by exec when {@code exec}, else by
     * {@code prctl(PR_SET_NAME)}). Delivered only when {@link HostOptions#trackComm} is on, in ring
     * order with the samples of that CPU. The default does nothing.
     */
    default void onComm(int cpu, int pid, int tid, String comm, boolean exec) {
    }
}
