package io.ktap.host;

/**
 * A host-tracing operation failed for a reason the caller can report: an event that does not
 * exist, a symbol missing from a binary, a permission the process lacks, a kernel without a
 * feature. The message is meant for the user; {@link #errno()} carries the kernel's error number
 * when the failure came from a system call (0 otherwise).
 */
public final class HostException extends Exception {
    private final int errno;

    public HostException(String message) {
        this(message, 0, null);
    }

    public HostException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    public HostException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The kernel's error number behind this failure, or 0 when it did not come from a system call. */
    public int errno() {
        return errno;
    }
}
