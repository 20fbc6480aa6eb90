package io.ktap.kernel;

import io.ktap.trace.TraceException;

/** A failure of the kernel backend a user can cause or must know about, with the kernel's reason. */
public class KernelException extends TraceException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public KernelException(String message) {
        this(message, 0, null);
    }

    public KernelException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The errno of the failed call, or 0. */
    public int errno() {
        return errno;
    }
}
