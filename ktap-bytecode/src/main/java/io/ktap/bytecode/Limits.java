package io.ktap.bytecode;

/**
 * The resource limits a chunk runs under, fixed at load. Every limit is enforced at run time by
 * both VMs and breaking one is a runtime error of the invocation, never a crash.
 *
 * @param handlerBudget   instructions one probe-handler invocation may execute (0: unlimited,
 *                        userspace backends only)
 * @param mainBudget      instructions the main chunk, and each end block, may execute (0: unlimited,
 *                        userspace backends only)
 * @param maxCallDepth    frames on the call stack of one invocation, the handler's own included
 *                        (tail calls reuse a frame)
 * @param maxStackSlots   value slots of one invocation's stack (frames and variable-length results)
 * @param maxStringLength the longest string a program can create, in bytes
 * @param maxTables       live tables
 * @param maxTableEntries entries of all live tables together
 * @param stringPoolBytes bytes of all strings created at run time and alive together
 * @param maxClosures     live closures
 */
public record Limits(long handlerBudget, long mainBudget, int maxCallDepth, int maxStackSlots,
                     int maxStringLength, int maxTables, int maxTableEntries, int stringPoolBytes,
                     int maxClosures) {

    /**
     * The defaults: probe handlers run in atomic context so their budget is tight (the original
     * ktap allowed 100,000 loop iterations); the main chunk and end blocks run in process context.
     */
    public static final Limits DEFAULT = new Limits(100_000, 100_000_000, 200, 8192, 511, 1024, 65536, 1 << 20, 4096);

    public Limits withHandlerBudget(long v) {
        return new Limits(v, mainBudget, maxCallDepth, maxStackSlots, maxStringLength, maxTables, maxTableEntries,
                stringPoolBytes, maxClosures);
    }

    public Limits withMainBudget(long v) {
        return new Limits(handlerBudget, v, maxCallDepth, maxStackSlots, maxStringLength, maxTables, maxTableEntries,
                stringPoolBytes, maxClosures);
    }

    public Limits withMaxCallDepth(int v) {
        return new Limits(handlerBudget, mainBudget, v, maxStackSlots, maxStringLength, maxTables, maxTableEntries,
                stringPoolBytes, maxClosures);
    }

    public Limits withMaxStackSlots(int v) {
        return new Limits(handlerBudget, mainBudget, maxCallDepth, v, maxStringLength, maxTables, maxTableEntries,
                stringPoolBytes, maxClosures);
    }

    public Limits withMaxStringLength(int v) {
        return new Limits(handlerBudget, mainBudget, maxCallDepth, maxStackSlots, v, maxTables, maxTableEntries,
                stringPoolBytes, maxClosures);
    }

    public Limits withMaxTables(int v) {
        return new Limits(handlerBudget, mainBudget, maxCallDepth, maxStackSlots, maxStringLength, v, maxTableEntries,
                stringPoolBytes, maxClosures);
    }

    public Limits withMaxTableEntries(int v) {
        return new Limits(handlerBudget, mainBudget, maxCallDepth, maxStackSlots, maxStringLength, maxTables, v,
                stringPoolBytes, maxClosures);
    }

    public Limits withStringPoolBytes(int v) {
        return new Limits(handlerBudget, mainBudget, maxCallDepth, maxStackSlots, maxStringLength, maxTables,
                maxTableEntries, v, maxClosures);
    }

    public Limits withMaxClosures(int v) {
        return new Limits(handlerBudget, mainBudget, maxCallDepth, maxStackSlots, maxStringLength, maxTables,
                maxTableEntries, stringPoolBytes, v);
    }
}
