package io.ktap.kernel;

/** Receives records as {@link RecordView} flyweights: the zero-copy path. */
@FunctionalInterface
public interface RecordHandler {
    /** Called once per record; {@code view} is reused and valid only during the call. */
    void onRecord(RecordView view);
}
