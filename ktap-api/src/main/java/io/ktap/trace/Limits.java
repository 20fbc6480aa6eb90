package io.ktap.trace;

/**
 * The resource limits a session enforces at run time. A handler that breaks one is stopped and
 * the error is reported as a {@link TraceOutput.RuntimeError} record; the script then stops.
 *
 * <p>Probe handlers run in atomic context in the kernel, so their instruction budget is tight;
 * the main chunk and the end block run in process context and get a much larger one. On userspace
 * backends ({@code sim}, {@code host}) {@link #UNLIMITED} (0) lifts a limit, for benchmarks; the
 * kernel backend refuses 0.
 *
 * @param handlerInstructions instructions one probe or timer handler invocation may execute
 * @param mainInstructions    instructions the main chunk, and separately the end block, may execute
 * @param callDepth           nested non-tail calls (tail calls do not count)
 * @param stringBytes         the longest string a script may create, in bytes
 * @param tableEntries        the most entries (array part and hash part) one table may hold
 */
public record Limits(long handlerInstructions, long mainInstructions, int callDepth, int stringBytes,
        int tableEntries) {

    /** A limit of 0 means no limit (userspace backends only). */
    public static final int UNLIMITED = 0;

    public static final long DEFAULT_HANDLER_INSTRUCTIONS = 1_000_000;
    public static final long DEFAULT_MAIN_INSTRUCTIONS = 1_000_000_000;
    public static final int DEFAULT_CALL_DEPTH = 200;
    public static final int DEFAULT_STRING_BYTES = 4096;
    public static final int DEFAULT_TABLE_ENTRIES = 1 << 20;

    private static final Limits DEFAULTS = new Limits(DEFAULT_HANDLER_INSTRUCTIONS, DEFAULT_MAIN_INSTRUCTIONS,
            DEFAULT_CALL_DEPTH, DEFAULT_STRING_BYTES, DEFAULT_TABLE_ENTRIES);

    private static final Limits NONE = new Limits(0, 0, 0, 0, 0);

    public Limits {
        if (handlerInstructions < 0 || mainInstructions < 0 || callDepth < 0 || stringBytes < 0 || tableEntries < 0) {
            throw new IllegalArgumentException("limits are 0 (unlimited) or positive: " + describe(
                    handlerInstructions, mainInstructions, callDepth, stringBytes, tableEntries));
        }
    }

    /** The defaults every backend starts from. */
    public static Limits defaults() {
        return DEFAULTS;
    }

    /** Every limit lifted (userspace backends only), for benchmarks. */
    public static Limits unlimited() {
        return NONE;
    }

    public Limits handlerInstructions(long n) {
        return new Limits(n, mainInstructions, callDepth, stringBytes, tableEntries);
    }

    public Limits mainInstructions(long n) {
        return new Limits(handlerInstructions, n, callDepth, stringBytes, tableEntries);
    }

    /** Sets both instruction budgets, as {@code --max-instructions N} does. */
    public Limits instructions(long n) {
        return new Limits(n, n, callDepth, stringBytes, tableEntries);
    }

    public Limits callDepth(int n) {
        return new Limits(handlerInstructions, mainInstructions, n, stringBytes, tableEntries);
    }

    public Limits stringBytes(int n) {
        return new Limits(handlerInstructions, mainInstructions, callDepth, n, tableEntries);
    }

    public Limits tableEntries(int n) {
        return new Limits(handlerInstructions, mainInstructions, callDepth, stringBytes, n);
    }

    /** Whether any limit is {@link #UNLIMITED}, which only userspace backends accept. */
    public boolean hasUnlimited() {
        return handlerInstructions == 0 || mainInstructions == 0 || callDepth == 0 || stringBytes == 0
                || tableEntries == 0;
    }

    @Override
    public String toString() {
        return describe(handlerInstructions, mainInstructions, callDepth, stringBytes, tableEntries);
    }

    private static String describe(long h, long m, int d, int s, int t) {
        return "Limits[handlerInstructions=" + h + ", mainInstructions=" + m + ", callDepth=" + d
                + ", stringBytes=" + s + ", tableEntries=" + t + "]";
    }
}
