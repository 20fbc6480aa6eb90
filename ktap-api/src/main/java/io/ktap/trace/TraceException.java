package io.ktap.trace;

/**
 * A session could not be opened or failed while running: the backend is unavailable, the program
 * does not load, a probe cannot be resolved, or the transport broke. A script's own runtime errors
 * are never exceptions: they arrive as {@link TraceOutput.RuntimeError} records.
 */
public class TraceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TraceException(String message) {
        super(message);
    }

    public TraceException(String message, Throwable cause) {
        super(message, cause);
    }
}
