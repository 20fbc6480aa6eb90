package io.ktap.bytecode;

/**
 * Malformed chunk bytes: {@link ChunkReader} names the byte offset and what it expected there.
 * Checked, because bad input is an expected outcome of reading.
 */
public final class ChunkFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    private final long offset;
    private final String reason;

    public ChunkFormatException(long offset, String reason) {
        super("offset " + offset + ": " + reason);
        this.offset = offset;
        this.reason = reason;
    }

    /** The byte offset in the input where the problem is. */
    public long offset() {
        return offset;
    }

    /** What was expected, without the offset. */
    public String reason() {
        return reason;
    }
}
