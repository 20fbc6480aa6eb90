package io.ktap.trace;

/**
 * The resource limits a session enforces at run time, fixed when the program is loaded. A handler
 * that breaks one is stopped, the error is reported as a {@link TraceOutput.RuntimeError} record,
 * and the script stops (the end block still runs, unless the error came from it).
 *
 * <p>Probe handlers run in atomic context in the kernel, so their instruction budget is tight;
 * the main chunk and the end blocks run in process context and get a much larger one. On userspace
 * backends ({@code sim}, {@code host}) {@link #UNLIMITED} (0) lifts a limit, for benchmarks; the
 * kernel backend refuses it.
 *
 * <p>Quotas on tables, closures and strings count what is alive: when an allocation would break
 * one, the VM first determines exactly which objects are still reachable, and fails only if those
 * alone exceed it.
 *
 * @param handlerInstructions instructions one probe or timer handler invocation may execute
 * @param mainInstructions    instructions the main chunk, and each end block, may execute
 * @param callDepth           frames on the call stack of one invocation, its own included (tail calls reuse a frame)
 * @param stackSlots          value slots on the stack of one invocation
 * @param stringBytes         the longest string a script may create, in bytes
 * @param tables              live tables
 * @param tableEntries        entries of all live tables together
 * @param stringPoolBytes     bytes of all strings created at run time and alive together
 * @param closures            live closures
 */
public record Limits(long handlerInstructions, long mainInstructions, int callDepth, int stackSlots,
        int stringBytes, int tables, int tableEntries, int stringPoolBytes, int closures) {

    /** A limit of 0 means no limit (userspace backends only). */
    public static final int UNLIMITED = 0;

    private static final Limits DEFAULTS = new Limits(100_000, 100_000_000, 200, 8192, 511, 1024, 65536, 1 << 20, 4096);

    private static final Limits NONE = new Limits(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public Limits {
        if (handlerInstructions < 0 || mainInstructions < 0 || callDepth < 0 || stackSlots < 0 || stringBytes < 0
                || tables < 0 || tableEntries < 0 || stringPoolBytes < 0 || closures < 0) {
            throw new IllegalArgumentException("limits are 0 (unlimited) or positive: " + describe(handlerInstructions,
                    mainInstructions, callDepth, stackSlots, stringBytes, tables, tableEntries, stringPoolBytes, closures));
        }
    }

    /**
     * The defaults every backend starts from: 100,000 instructions per handler invocation (the
     * original ktap allowed 100,000 loop iterations), 100,000,000 for the main chunk and each end
     * block, 200 frames, 8192 stack slots, 511-byte strings (as the original), 1024 tables holding
     * 65,536 entries together, 1 MiB of run-time strings, 4096 closures.
     */
    public static Limits defaults() {
        return DEFAULTS;
    }

    /** Every limit lifted (userspace backends only), for benchmarks. */
    public static Limits unlimited() {
        return NONE;
    }

    public Limits handlerInstructions(long n) {
        return new Limits(n, mainInstructions, callDepth, stackSlots, stringBytes, tables, tableEntries,
                stringPoolBytes, closures);
    }

    public Limits mainInstructions(long n) {
        return new Limits(handlerInstructions, n, callDepth, stackSlots, stringBytes, tables, tableEntries,
                stringPoolBytes, closures);
    }

    /** Sets both instruction budgets, as {@code --max-instructions N} does. */
    public Limits instructions(long n) {
        return new Limits(n, n, callDepth, stackSlots, stringBytes, tables, tableEntries, stringPoolBytes, closures);
    }

    public Limits callDepth(int n) {
        return new Limits(handlerInstructions, mainInstructions, n, stackSlots, stringBytes, tables, tableEntries,
                stringPoolBytes, closures);
    }

    public Limits stackSlots(int n) {
        return new Limits(handlerInstructions, mainInstructions, callDepth, n, stringBytes, tables, tableEntries,
                stringPoolBytes, closures);
    }

    public Limits stringBytes(int n) {
        return new Limits(handlerInstructions, mainInstructions, callDepth, stackSlots, n, tables, tableEntries,
                stringPoolBytes, closures);
    }

    public Limits tables(int n) {
        return new Limits(handlerInstructions, mainInstructions, callDepth, stackSlots, stringBytes, n, tableEntries,
                stringPoolBytes, closures);
    }

    public Limits tableEntries(int n) {
        return new Limits(handlerInstructions, mainInstructions, callDepth, stackSlots, stringBytes, tables, n,
                stringPoolBytes, closures);
    }

    public Limits stringPoolBytes(int n) {
        return new Limits(handlerInstructions, mainInstructions, callDepth, stackSlots, stringBytes, tables,
                tableEntries, n, closures);
    }

    public Limits closures(int n) {
        return new Limits(handlerInstructions, mainInstructions, callDepth, stackSlots, stringBytes, tables,
                tableEntries, stringPoolBytes, n);
    }

    /** Whether any limit is {@link #UNLIMITED}, which only userspace backends accept. */
    public boolean hasUnlimited() {
        return handlerInstructions == 0 || mainInstructions == 0 || callDepth == 0 || stackSlots == 0
                || stringBytes == 0 || tables == 0 || tableEntries == 0 || stringPoolBytes == 0 || closures == 0;
    }

    @Override
    public String toString() {
        return describe(handlerInstructions, mainInstructions, callDepth, stackSlots, stringBytes, tables, tableEntries,
                stringPoolBytes, closures);
    }

    private static String describe(long h, long m, int d, int s, int sb, int t, int te, int sp, int c) {
        return "Limits[handlerInstructions=" + h + ", mainInstructions=" + m + ", callDepth=" + d + ", stackSlots=" + s
                + ", stringBytes=" + sb + ", tables=" + t + ", tableEntries=" + te + ", stringPoolBytes=" + sp
                + ", closures=" + c + "]";
    }
}
