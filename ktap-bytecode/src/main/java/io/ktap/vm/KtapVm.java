package io.ktap.vm;

import io.ktap.ast.Builtin;
import io.ktap.bytecode.AggregationSpec;
import io.ktap.bytecode.Bytes;
import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.Limits;
import io.ktap.bytecode.ProbeEntry;
import io.ktap.bytecode.Proto;
import io.ktap.bytecode.RecordSchema;
import io.ktap.trace.AggregationKind;
import io.ktap.trace.TraceOutput;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The Java reference VM: runs a verified {@link Chunk} with the semantics of the ktapvm instruction
 * set ({@link io.ktap.bytecode.Opcode}) and every builtin of {@link Builtin}.
 *
 * <p>One VM holds one loaded program: its globals, its tables, the closures registered by the
 * early API. It runs one invocation at a time ({@link #runMain()}, {@link #runProbe},
 * {@link #runEnd()}); callers on several threads must serialize. Output goes to the sink as
 * {@link TraceOutput} records, in order. Nothing a script does makes a Java exception leave the VM:
 * every error is a {@link TraceOutput.RuntimeError} record, after which the script is stopped
 * ({@link #isStopped()}); only the end blocks may still run ({@link #runEnd()}).
 *
 * <p>Values are (ref, num) pairs in parallel arrays ({@link Values}); the interpreter is one loop
 * over one stack, with frames in arrays, so deep ktap recursion never deepens the Java stack.
 */
public final class KtapVm implements Heap {

    /** How an invocation ended. */
    public enum Outcome {
        /** It returned normally. */
        OK,
        /** The script called {@code exit()}: tracing stops, the end blocks run. */
        EXIT,
        /** A runtime error was reported: tracing stops, the end blocks run unless the error came from one. */
        ERROR,
        /** Not run: the script had already stopped. */
        STOPPED
    }

    /** A closure registered by the early API's {@code kdebug.probe(spec, fn)} or {@code probe_by_id}. */
    public record DynamicProbe(String spec, KClosure handler) {
    }

    /** "Unlimited" call depth and stack still stop somewhere: before the Java heap runs out. */
    private static final int HARD_MAX_DEPTH = 1_000_000;
    private static final int HARD_MAX_SLOTS = 1 << 26;
    private static final int UNLIMITED_STRING = Integer.MAX_VALUE - 16;

    private final Chunk chunk;
    private final Fn[] fns;
    private final Limits limits;
    private final KernelContext kernel;
    private final Consumer<? super TraceOutput> sink;
    private final Object[] gref;
    private final long[] gnum;
    private final KClosure[] roots;
    private final Set<Object> constants = Collections.newSetFromMap(new IdentityHashMap<>());

    private final int maxDepth;
    private final int maxSlots;
    private final int maxString;

    // ---- the stack and its frames ----------------------------------------------------------------

    private Object[] sr = new Object[256];
    private long[] sn = new long[256];
    private int[] fBase = new int[16];
    private int[] fPc = new int[16];
    private int[] fVarBase = new int[16];
    private int[] fVarCount = new int[16];
    private KClosure[] fCl = new KClosure[16];
    /** The frame running now (0: the invocation's root). */
    private int depth;
    /** Instructions the invocation may still execute (kept in a local while a frame runs). */
    private long budget;
    /** End of the variable-length results of the last CALL C=0 / VARG D=0 (absolute slot). */
    private int top;
    private UpVal openUps;
    /** The highest slot and frame an invocation used, cleared when it ends. */
    private int highWater;
    private int highDepth;

    // ---- quotas ------------------------------------------------------------------------------

    private int tableCount;
    private int entryCount;
    private int closureCount;
    private long stringBytes;
    private int nextId = 1;

    // ---- the running invocation --------------------------------------------------------------------

    private TraceEvent event;
    private KEvent eventObject;
    private boolean stopped;
    private boolean ended;
    private int exitStatus;

    /** The {@code arg} table: made by the VM, outside the quotas. */
    private KTable argTable;

    private final List<DynamicProbe> dynamicProbes = new ArrayList<>();
    private final List<KClosure> endFunctions = new ArrayList<>();

    /**
     * Loads {@code chunk}, which the {@link io.ktap.bytecode.Verifier} must have accepted.
     *
     * @param kernel what kernel-only builtins read
     * @param sink   receives every record, in order
     */
    public KtapVm(Chunk chunk, KernelContext kernel, Consumer<? super TraceOutput> sink) {
        this.chunk = Objects.requireNonNull(chunk, "chunk");
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.limits = chunk.limits();
        List<Proto> protos = chunk.protos();
        this.fns = new Fn[protos.size()];
        for (int i = 0; i < fns.length; i++) {
            fns[i] = new Fn(protos.get(i), i);
            Collections.addAll(constants, fns[i].kref);
        }
        this.roots = new KClosure[fns.length];
        this.gref = new Object[chunk.globals().size()];
        this.gnum = new long[chunk.globals().size()];
        this.maxDepth = limits.maxCallDepth() == 0 ? HARD_MAX_DEPTH : limits.maxCallDepth();
        this.maxSlots = limits.maxStackSlots() == 0 ? HARD_MAX_SLOTS : limits.maxStackSlots();
        this.maxString = limits.maxStringLength() == 0 ? UNLIMITED_STRING : limits.maxStringLength();
    }

    public Chunk chunk() {
        return chunk;
    }

    /**
     * Fills the global {@code arg} (when the program uses it): {@code arg[0]} the script's name,
     * then each argument, a number when it parses as one, else a string.
     */
    public void setScriptArgs(String scriptName, List<String> args) {
        int slot = chunk.globalSlot(Chunk.ARG_GLOBAL);
        if (slot < 0) {
            return;
        }
        KTable t = new KTable(Heap.UNLIMITED, nextId++, args.size() + 1);
        argTable = t;
        t.set(Values.INT, 0, KString.of(scriptName), 0);
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            Long n = parseNumber(a);
            if (n != null) {
                t.set(Values.INT, i + 1, Values.INT, n);
            } else {
                t.set(Values.INT, i + 1, KString.of(a), 0);
            }
        }
        gref[slot] = t;
    }

    /** A script argument as a number: decimal, {@code 0x} hex or leading-0 octal, optionally signed. */
    static Long parseNumber(String s) {
        String t = s;
        boolean neg = false;
        if (t.startsWith("-") || t.startsWith("+")) {
            neg = t.charAt(0) == '-';
            t = t.substring(1);
        }
        if (t.isEmpty()) {
            return null;
        }
        try {
            long v;
            if (t.startsWith("0x") || t.startsWith("0X")) {
                if (t.length() == 2) {
                    return null;
                }
                v = Long.parseUnsignedLong(t.substring(2), 16);
            } else if (t.length() > 1 && t.startsWith("0")) {
                v = Long.parseUnsignedLong(t.substring(1), 8);
            } else {
                if (!t.chars().allMatch(Character::isDigit)) {
                    return null;
                }
                v = Long.parseLong(t);
            }
            return neg ? -v : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---- state seen from outside ---------------------------------------------------------------------

    /** Whether the script has stopped: {@code exit()} or a runtime error. */
    public boolean isStopped() {
        return stopped;
    }

    /** The status given to {@code exit(n)} (0 when none). */
    public int exitStatus() {
        return exitStatus;
    }

    /** The closures the main chunk registered with {@code kdebug.probe} / {@code probe_by_id}. */
    public List<DynamicProbe> dynamicProbes() {
        return List.copyOf(dynamicProbes);
    }

    /** The global {@code name} as a Java value (see {@link Values#toJava}), or null when unset or unknown. */
    public Object global(String name) {
        int slot = chunk.globalSlot(name);
        return slot < 0 ? null : Values.toJava(gref[slot], gnum[slot]);
    }

    /** The global {@code name} as the VM holds it (a {@link KTable} for tables). */
    public Object globalValue(String name) {
        int slot = chunk.globalSlot(name);
        if (slot < 0) {
            return null;
        }
        return gref[slot] == Values.INT ? (Object) gnum[slot] : gref[slot];
    }

    /** The names of the program's globals. */
    public List<String> globalNames() {
        return chunk.globals();
    }

    // ---- invocations ---------------------------------------------------------------------------------

    /** Runs the main chunk (with the main budget). */
    public Outcome runMain() {
        return invoke(root(Chunk.MAIN), null, null, limits.mainBudget());
    }

    /** Runs the handler of probe-table entry {@code probe} for {@code event} (null for timers). */
    public Outcome runProbe(int probe, TraceEvent event) {
        ProbeEntry entry = chunk.probes().get(probe);
        return invoke(root(entry.handler()), event, null, limits.handlerBudget());
    }

    /** Runs a closure registered through the early API, passing it the event object. */
    public Outcome runDynamicProbe(DynamicProbe probe, TraceEvent event) {
        return invoke(probe.handler(), event, event == null ? null : new KEvent(event), limits.handlerBudget());
    }

    /**
     * Runs the end blocks in order, then the functions registered with {@code kdebug.probe_end},
     * each with the main budget, until one fails or exits. Runs once; later calls return
     * {@link Outcome#STOPPED}. Does nothing when a runtime error came from an end block.
     */
    public Outcome runEnd() {
        if (ended) {
            return Outcome.STOPPED;
        }
        ended = true;
        stopped = false;
        Outcome last = Outcome.OK;
        List<KClosure> todo = new ArrayList<>();
        for (int p : chunk.endProtos()) {
            todo.add(root(p));
        }
        todo.addAll(endFunctions);
        for (KClosure c : todo) {
            last = invoke(c, null, null, limits.mainBudget());
            if (last != Outcome.OK) {
                break;
            }
        }
        stopped = true;
        return last;
    }

    private KClosure root(int proto) {
        KClosure c = roots[proto];
        if (c == null) {
            Fn fn = fns[proto];
            UpVal[] ups = new UpVal[fn.upIndex.length];
            for (int i = 0; i < ups.length; i++) {
                ups[i] = new UpVal(-1);
                ups[i].open = false;
            }
            c = new KClosure(fn, ups);
            roots[proto] = c;
        }
        return c;
    }

    /** Deeper call limits run on a thread whose stack surely holds them (see {@link #call}). */
    private static final int CALLER_STACK_DEPTH = 256;

    /** Java stack reserved per ktap frame on such a thread (an interpreted frame of {@link #call} takes over 1 KiB). */
    private static final long STACK_BYTES_PER_FRAME = 4096;

    private Outcome invoke(KClosure cl, TraceEvent ev, KEvent arg, long budget) {
        if (stopped) {
            return Outcome.STOPPED;
        }
        if (maxDepth > CALLER_STACK_DEPTH) {
            return onDeepStack(() -> run(cl, ev, arg, budget));
        }
        return run(cl, ev, arg, budget);
    }

    /**
     * Runs {@code invocation} on a thread with a stack large enough for {@code maxDepth} frames, so
     * that a deep call limit is reached as the limit, not as the Java stack's end.
     */
    private Outcome onDeepStack(java.util.function.Supplier<Outcome> invocation) {
        Outcome[] result = new Outcome[1];
        RuntimeException[] failure = new RuntimeException[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = invocation.get();
            } catch (RuntimeException e) {
                failure[0] = e;
            }
        }, "ktap-vm", (1 << 20) + maxDepth * STACK_BYTES_PER_FRAME);
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return result[0];
    }

    private Outcome run(KClosure cl, TraceEvent ev, KEvent arg, long budget) {
        this.event = ev;
        this.eventObject = arg;
        try {
            depth = 0;
            top = 0;
            openUps = null;
            Fn fn = cl.fn;
            ensureStack(1 + Math.max(fn.frameSize, 1) + 1);
            sr[0] = cl;
            int nargs = 0;
            if (arg != null) {
                sr[1] = arg;
                nargs = 1;
            }
            this.budget = budget == 0 ? Long.MAX_VALUE : budget;
            depth = -1;
            call(cl, 0, nargs, 0);
            return Outcome.OK;
        } catch (KtapError e) {
            return fail(e.getMessage(), e.fn(), e.pc());
        } catch (ExitSignal e) {
            stopped = true;
            return Outcome.EXIT;
        } catch (StackOverflowError e) {
            // The caller of the frame being entered executed a CALL, whose pc is recorded.
            int at = Math.min(depth - 1, fCl.length - 1);
            return at < 0 || fCl[at] == null ? fail("stack overflow", null, -1)
                    : fail("stack overflow", fCl[at].fn, fPc[at] - 1);
        } catch (OutOfMemoryError e) {
            return fail("not enough memory", null, -1);
        } catch (RuntimeException e) {
            // A VM bug: reported like any error, never thrown at the user.
            return fail("internal error: " + e, null, -1);
        } finally {
            // Drop references so a finished invocation keeps nothing alive.
            Arrays.fill(sr, 0, Math.min(sr.length, Math.max(top, highWater) + 1), null);
            Arrays.fill(fCl, 0, Math.min(fCl.length, highDepth + 1), null);
            highWater = 0;
            highDepth = 0;
            this.event = null;
            this.eventObject = null;
            openUps = null;
        }
    }

    // ---- frames ------------------------------------------------------------------------------------

    private void ensureStack(int slots) {
        if (slots > sr.length) {
            if (slots > maxSlots) {
                throw new KtapError("stack overflow");
            }
            int n = Math.min(Math.max(slots, sr.length * 2), Math.max(maxSlots, slots));
            sr = Arrays.copyOf(sr, n);
            sn = Arrays.copyOf(sn, n);
        }
    }

    private void ensureFrames(int d) {
        if (d >= fBase.length) {
            int n = fBase.length * 2;
            fBase = Arrays.copyOf(fBase, n);
            fPc = Arrays.copyOf(fPc, n);
            fVarBase = Arrays.copyOf(fVarBase, n);
            fVarCount = Arrays.copyOf(fVarCount, n);
            fCl = Arrays.copyOf(fCl, n);
        }
    }

    /**
     * Sets up frame {@link #depth} for {@code cl}, whose arguments are at {@code func+1 ..
     * func+nargs}: moves fixed parameters above the varargs of a variadic function, pads missing
     * parameters and clears the rest of the frame to nil.
     *
     * @return the frame's base slot
     */
    private int enterFrame(KClosure cl, int func, int nargs, int want) {
        Fn fn = cl.fn;
        int base = func + 1;
        int d = depth;
        if (fn.variadic) {
            int varCount = 0;
            if (nargs > fn.numParams) {
                varCount = nargs - fn.numParams;
                base = func + 1 + nargs;
                ensureStack(base + fn.frameSize + 1);
                System.arraycopy(sr, func + 1, sr, base, fn.numParams);
                System.arraycopy(sn, func + 1, sn, base, fn.numParams);
            }
            ensureFrames(d);
            fVarBase[d] = func + 1 + fn.numParams;
            fVarCount[d] = varCount;
        }
        int end = base + fn.frameSize;
        if (end >= sr.length) {
            ensureStack(end + 1);
        }
        if (d >= fBase.length) {
            ensureFrames(d);
        }
        Object[] r = sr;
        // Registers above the parameters start as nil (skipping slots that already are).
        for (int i = base + Math.min(nargs, fn.numParams); i < end; i++) {
            if (r[i] != null) {
                r[i] = null;
            }
        }
        if (end > highWater) {
            highWater = end;
        }
        if (d > highDepth) {
            highDepth = d;
        }
        fBase[d] = base;
        if (fCl[d] != cl) {
            fCl[d] = cl;
        }
        return base;
    }

    private UpVal findUpval(int slot) {
        UpVal prev = null;
        UpVal u = openUps;
        while (u != null && u.index > slot) {
            prev = u;
            u = u.next;
        }
        if (u != null && u.index == slot) {
            return u;
        }
        UpVal n = new UpVal(slot);
        n.next = u;
        if (prev == null) {
            openUps = n;
        } else {
            prev.next = n;
        }
        return n;
    }

    private void closeUpvals(int level) {
        UpVal u = openUps;
        while (u != null && u.index >= level) {
            u.ref = sr[u.index];
            u.num = sn[u.index];
            u.open = false;
            u = u.next;
        }
        openUps = u;
    }

    // ---- the interpreter -------------------------------------------------------------------------------

    /**
     * Runs closure {@code cl} called from slot {@code func} with {@code nargs} arguments above it,
     * and returns the number of its results, which it leaves at {@code func, func+1, ...}.
     *
     * <p>One Java call per ktap call: within a frame the base slot, the code and the constants are
     * loop invariants the JIT keeps in registers. A tail call replaces the frame in place (the outer
     * loop) without a Java call, so tail recursion is unbounded. The call depth is checked against
     * the limit here; should the Java stack still run out first, {@link #invoke} reports
     * {@code "stack overflow"} all the same.
     */
    private int call(KClosure cl, int func, int argc, int wanted) {
        int level = depth + 1;
        if (level >= maxDepth) {
            throw new KtapError("stack overflow");
        }
        depth = level;
        int base = enterFrame(cl, func, argc, wanted);
        long budget = this.budget;
        int pc = 0;
        try {
            while (true) {
                final Fn fn = cl.fn;
                final int[] code = fn.code;
                final Object[] kr = fn.kref;
                final long[] kn = fn.knum;
                Object[] r = sr;
                long[] n = sn;
                pc = 0;
                inner:
                while (true) {
                    int ins = code[pc++];
                    if (--budget < 0) {
                        throw new KtapError("instruction budget exceeded");
                    }
                    int a = base + (ins >>> 8 & 0xff);
                    switch (ins & 0xff) {
                        case Ops.MOV -> {
                            int s = base + (ins >>> 16);
                            put(r, a, r[s]);
                            n[a] = n[s];
                        }
                        case Ops.KPRI -> {
                            int d = ins >>> 16;
                            put(r, a, d == 0 ? null : d == 1 ? Boolean.FALSE : Boolean.TRUE);
                        }
                        case Ops.KSHORT -> {
                            put(r, a, Values.INT);
                            n[a] = ins >> 16;
                        }
                        case Ops.KCONST -> {
                            int d = ins >>> 16;
                            put(r, a, kr[d]);
                            n[a] = kn[d];
                        }
                        case Ops.GGET -> {
                            int d = ins >>> 16;
                            put(r, a, gref[d]);
                            n[a] = gnum[d];
                        }
                        case Ops.GSET -> {
                            int d = ins >>> 16;
                            gref[d] = r[a];
                            gnum[d] = n[a];
                        }
                        case Ops.UGET -> {
                            UpVal u = cl.upvals[ins >>> 16];
                            if (u.open) {
                                put(r, a, r[u.index]);
                                n[a] = n[u.index];
                            } else {
                                put(r, a, u.ref);
                                n[a] = u.num;
                            }
                        }
                        case Ops.USET -> {
                            UpVal u = cl.upvals[ins >>> 8 & 0xff];
                            int s = base + (ins >>> 16);
                            if (u.open) {
                                put(r, u.index, r[s]);
                                n[u.index] = n[s];
                            } else {
                                u.ref = r[s];
                                u.num = n[s];
                            }
                        }
                        case Ops.UCLO -> {
                            closeUpvals(a);
                            pc += ins >> 16;
                        }
                        case Ops.TGET -> {
                            int b = base + (ins >>> 16 & 0xff);
                            int c = base + (ins >>> 24);
                            index(r[b], r[c], n[c], a);
                        }
                        case Ops.TGETK -> {
                            int b = base + (ins >>> 16 & 0xff);
                            int c = ins >>> 24;
                            index(r[b], kr[c], kn[c], a);
                        }
                        case Ops.TSET -> {
                            int b = base + (ins >>> 16 & 0xff);
                            int c = base + (ins >>> 24);
                            table(r[b]).set(r[c], n[c], r[a], n[a]);
                        }
                        case Ops.TSETK -> {
                            int b = base + (ins >>> 16 & 0xff);
                            int c = ins >>> 24;
                            table(r[b]).set(kr[c], kn[c], r[a], n[a]);
                        }
                        case Ops.TINCR -> {
                            int b = base + (ins >>> 16 & 0xff);
                            int c = base + (ins >>> 24);
                            KTable t = table(r[b]);
                            if (r[a] != Values.INT) {
                                throw arith(r[a]);
                            }
                            t.add(r[c], n[c], n[a]);
                        }
                        case Ops.ADD -> {
                            int b = base + (ins >>> 16 & 0xff);
                            int c = base + (ins >>> 24);
                            if (r[b] != Values.INT || r[c] != Values.INT) {
                                throw arith2(r[b], r[c]);
                            }
                            n[a] = n[b] + n[c];
                            put(r, a, Values.INT);
                        }
                        case Ops.SUB -> {
                            int b = base + (ins >>> 16 & 0xff);
                            int c = base + (ins >>> 24);
                            if (r[b] != Values.INT || r[c] != Values.INT) {
                                throw arith2(r[b], r[c]);
                            }
                            n[a] = n[b] - n[c];
                            put(r, a, Values.INT);
                        }
                        case Ops.MUL -> {
                            int b = base + (ins >>> 16 & 0xff);
                            int c = base + (ins >>> 24);
                            if (r[b] != Values.INT || r[c] != Values.INT) {
                                throw arith2(r[b], r[c]);
                            }
                            n[a] = n[b] * n[c];
                            put(r, a, Values.INT);
                        }
                        case Ops.DIV -> {
                            int b = base + (ins >>> 16 & 0xff);
                            int c = base + (ins >>> 24);
                            if (r[b] != Values.INT || r[c] != Values.INT) {
                                throw arith2(r[b], r[c]);
                            }
                            long y = n[c];
                            if (y == 0) {
                                throw new KtapError("division by zero");
                            }
                            n[a] = y == -1 ? -n[b] : n[b] / y;
                            put(r, a, Values.INT);
                        }
                        case Ops.MOD -> {
                            int b = base + (ins >>> 16 & 0xff);
                            int c = base + (ins >>> 24);
                            if (r[b] != Values.INT || r[c] != Values.INT) {
                                throw arith2(r[b], r[c]);
                            }
                            long y = n[c];
                            if (y == 0) {
                                throw new KtapError("modulo by zero");
                            }
                            n[a] = y == -1 ? 0 : n[b] % y;
                            put(r, a, Values.INT);
                        }
                        case Ops.CAT -> {
                            Object x = r[base + (ins >>> 16 & 0xff)];
                            Object y = r[base + (ins >>> 24)];
                            if (!(x instanceof KString xs)) {
                                throw new KtapError("attempt to concatenate a " + Values.typeName(x) + " value");
                            }
                            if (!(y instanceof KString ys)) {
                                throw new KtapError("attempt to concatenate a " + Values.typeName(y) + " value");
                            }
                            if ((long) xs.length() + ys.length() > maxString) {
                                throw new KtapError("string length limit exceeded");
                            }
                            stringQuota(xs.length() + ys.length());
                            put(r, a, KString.concat(xs, ys));
                        }
                        case Ops.EQ -> {
                            int b = base + (ins >>> 16 & 0xff);
                            int c = base + (ins >>> 24);
                            put(r, a, Values.equal(r[b], n[b], r[c], n[c]) ? Boolean.TRUE : Boolean.FALSE);
                        }
                        case Ops.NE -> {
                            int b = base + (ins >>> 16 & 0xff);
                            int c = base + (ins >>> 24);
                            put(r, a, Values.equal(r[b], n[b], r[c], n[c]) ? Boolean.FALSE : Boolean.TRUE);
                        }
                        case Ops.LT -> {
                            int b = base + (ins >>> 16 & 0xff);
                            int c = base + (ins >>> 24);
                            if (r[b] != Values.INT || r[c] != Values.INT) {
                                throw compare(r[b], r[c]);
                            }
                            put(r, a, n[b] < n[c] ? Boolean.TRUE : Boolean.FALSE);
                        }
                        case Ops.LE -> {
                            int b = base + (ins >>> 16 & 0xff);
                            int c = base + (ins >>> 24);
                            if (r[b] != Values.INT || r[c] != Values.INT) {
                                throw compare(r[b], r[c]);
                            }
                            put(r, a, n[b] <= n[c] ? Boolean.TRUE : Boolean.FALSE);
                        }
                        case Ops.JMP -> pc += ins >> 16;
                        case Ops.JMPT -> {
                            Object v = r[a];
                            if (v != null && v != Boolean.FALSE) {
                                pc += ins >> 16;
                            }
                        }
                        case Ops.JMPF -> {
                            Object v = r[a];
                            if (v == null || v == Boolean.FALSE) {
                                pc += ins >> 16;
                            }
                        }
                        case Ops.FORPREP -> {
                            if (r[a] != Values.INT) {
                                throw new KtapError("'for' initial value must be a number");
                            }
                            if (r[a + 1] != Values.INT) {
                                throw new KtapError("'for' limit must be a number");
                            }
                            if (r[a + 2] != Values.INT) {
                                throw new KtapError("'for' step must be a number");
                            }
                            long start = n[a];
                            long limit = n[a + 1];
                            long step = n[a + 2];
                            if (step == 0) {
                                throw new KtapError("'for' step is zero");
                            }
                            if (step > 0 ? start > limit : start < limit) {
                                pc += ins >> 16;
                            } else {
                                n[a + 1] = step > 0 ? Long.divideUnsigned(limit - start, step)
                                        : Long.divideUnsigned(start - limit, -(step + 1) + 1);
                                put(r, a + 3, Values.INT);
                                n[a + 3] = start;
                            }
                        }
                        case Ops.FORLOOP -> {
                            if (r[a] != Values.INT || r[a + 1] != Values.INT || r[a + 2] != Values.INT) {
                                throw new KtapError("'for' loop state is not a number");
                            }
                            if (n[a + 1] != 0) {
                                n[a + 1]--;
                                long v = n[a] + n[a + 2];
                                n[a] = v;
                                put(r, a + 3, Values.INT);
                                n[a + 3] = v;
                                pc += ins >> 16;
                            }
                        }
                        case Ops.ITERP -> {
                            if (!(r[a] instanceof KTable)) {
                                throw new KtapError("bad argument #1 to 'pairs' (table expected, got "
                                        + Values.typeName(r[a]) + ")");
                            }
                            put(r, a + 1, Values.INT);
                            n[a + 1] = 0;
                            pc += ins >> 16;
                        }
                        case Ops.ITERN -> {
                            if (!(r[a] instanceof KTable t)) {
                                throw new KtapError("bad argument #1 to 'pairs' (table expected, got "
                                        + Values.typeName(r[a]) + ")");
                            }
                            if (r[a + 1] == Values.INT) {
                                int p = t.nextPosition(n[a + 1]);
                                if (p >= 0) {
                                    put(r, a + 2, t.keyRefAt(p));
                                    n[a + 2] = t.keyNumAt(p);
                                    put(r, a + 3, t.valueRefAt(p));
                                    n[a + 3] = t.valueNumAt(p);
                                    n[a + 1] = p + 1L;
                                    pc += ins >> 16;
                                }
                            }
                        }
                        case Ops.CALLB -> {
                            int b = ins >>> 16 & 0xff;
                            int nargs = b == 0 ? top - a : b - 1;
                            builtin(ins >>> 24, a, nargs);
                            r = sr;
                            n = sn;
                        }
                        case Ops.F_KARITH -> {
                            put(r, a, Values.INT);
                            n[a] = ins >> 16;
                            if (budget > 0) {
                                budget--;
                                int i1 = code[pc++];
                                int a1 = base + (i1 >>> 8 & 0xff);
                                int b = base + (i1 >>> 16 & 0xff);
                                if (r[b] != Values.INT) {
                                    throw arith(r[b]);
                                }
                                long k = n[a];
                                long x = n[b];
                                switch (i1 & 0xff) {
                                    case Ops.ADD -> n[a1] = x + k;
                                    case Ops.SUB -> n[a1] = x - k;
                                    case Ops.MUL -> n[a1] = x * k;
                                    default -> {
                                        if (k == 0) {
                                            throw new KtapError("modulo by zero");
                                        }
                                        n[a1] = k == -1 ? 0 : x % k;
                                    }
                                }
                                put(r, a1, Values.INT);
                            }
                        }
                        case Ops.F_KINCR -> {
                            put(r, a, Values.INT);
                            n[a] = ins >> 16;
                            if (budget > 0) {
                                budget--;
                                int i1 = code[pc++];
                                int b = base + (i1 >>> 16 & 0xff);
                                int c = base + (i1 >>> 24);
                                table(r[b]).add(r[c], n[c], n[a]);
                            }
                        }
                        case Ops.F_CMPJ, Ops.F_CMPJ + 1, Ops.F_CMPJ + 2, Ops.F_CMPJ + 3 -> {
                            boolean v = compareOp((ins & 0xff) - Ops.F_CMPJ + Ops.EQ, ins, base, r, n);
                            put(r, a, v ? Boolean.TRUE : Boolean.FALSE);
                            if (budget > 0) {
                                budget--;
                                int j = code[pc++];
                                if (v == ((j & 0xff) == Ops.JMPT)) {
                                    pc += j >> 16;
                                }
                            }
                        }
                        case Ops.F_KCMPJ -> {
                            put(r, a, Values.INT);
                            n[a] = ins >> 16;
                            if (budget > 0) {
                                budget--;
                                int i1 = code[pc++];
                                boolean v = compareOp(i1 & 0xff, i1, base, r, n);
                                put(r, base + (i1 >>> 8 & 0xff), v ? Boolean.TRUE : Boolean.FALSE);
                                if (budget > 0) {
                                    budget--;
                                    int j = code[pc++];
                                    if (v == ((j & 0xff) == Ops.JMPT)) {
                                        pc += j >> 16;
                                    }
                                }
                            }
                        }
                        case Ops.CALL -> {
                            int b = ins >>> 16 & 0xff;
                            int cw = (ins >>> 24) - 1;
                            int na = b == 0 ? top - a - 1 : b - 1;
                            Object f = r[a];
                            int nret;
                            if (f instanceof KClosure callee) {
                                fPc[level] = pc;
                                this.budget = budget;
                                nret = call(callee, a, na, cw);
                                budget = this.budget;
                                r = sr;
                                n = sn;
                            } else if (f instanceof KBuiltinFunction bf) {
                                callBound(bf, a, na);
                                r = sr;
                                n = sn;
                                nret = 1;
                            } else {
                                throw new KtapError("attempt to call a " + Values.typeName(f) + " value");
                            }
                            if (cw < 0) {
                                top = a + nret;
                            } else {
                                for (int i = nret; i < cw; i++) {
                                    r[a + i] = null;
                                }
                            }
                        }
                        case Ops.TAILCALL -> {
                            int b = ins >>> 16 & 0xff;
                            int na = b == 0 ? top - a - 1 : b - 1;
                            Object f = r[a];
                            if (f instanceof KClosure callee) {
                                if (openUps != null) {
                                    closeUpvals(base);
                                }
                                System.arraycopy(r, a, r, func, na + 1);
                                System.arraycopy(n, a, n, func, na + 1);
                                cl = callee;
                                base = enterFrame(callee, func, na, wanted);
                                break inner;
                            } else if (f instanceof KBuiltinFunction bf) {
                                callBound(bf, a, na);
                                r = sr;
                                n = sn;
                                if (openUps != null) {
                                    closeUpvals(base);
                                }
                                r[func] = r[a];
                                n[func] = n[a];
                                this.budget = budget;
                                depth = level - 1;
                                return 1;
                            } else {
                                throw new KtapError("attempt to call a " + Values.typeName(f) + " value");
                            }
                        }
                        case Ops.RET -> {
                            int dd = ins >>> 16;
                            int nret = dd == 0 ? top - a : dd - 1;
                            if (openUps != null) {
                                closeUpvals(base);
                            }
                            if (wanted < 0) {
                                System.arraycopy(r, a, r, func, nret);
                                System.arraycopy(n, a, n, func, nret);
                            } else {
                                int m = Math.min(nret, wanted);
                                for (int i = 0; i < m; i++) {
                                    put(r, func + i, r[a + i]);
                                    n[func + i] = n[a + i];
                                }
                            }
                            this.budget = budget;
                            depth = level - 1;
                            return nret;
                        }
                        default -> {
                            cold(ins, base, a, cl);
                            r = sr;
                            n = sn;
                        }
                    }
                }
            }
        } catch (KtapError e) {
            e.locate(cl.fn, pc - 1);
            throw e;
        }
    }

    /**
     * The instructions that are rarely hot, out of {@link #call}'s loop so that the loop stays
     * small for the JIT. They may grow the stack; the caller reloads its arrays.
     */
    private void cold(int ins, int base, int a, KClosure cl) {
        Object[] r = sr;
        long[] n = sn;
        switch (ins & 0xff) {
                case Ops.KNIL -> Arrays.fill(r, a, base + (ins >>> 16) + 1, null);
                case Ops.FNEW -> {
                    Fn child = fns[ins >>> 16];
                    newClosureQuota();
                    UpVal[] ups = new UpVal[child.upIndex.length];
                    for (int i = 0; i < ups.length; i++) {
                        ups[i] = child.upInStack[i] ? findUpval(base + child.upIndex[i])
                                : cl.upvals[child.upIndex[i]];
                    }
                    put(r, a, new KClosure(child, ups));
                }
                case Ops.TNEW -> r[a] = newTable((ins >>> 16 & 0xff) + (ins >>> 24));
                case Ops.TSETM -> {
                    KTable t = table(r[a]);
                    long k = ins >>> 16;
                    for (int i = a + 1; i < top; i++) {
                        t.set(Values.INT, k++, r[i], n[i]);
                    }
                }
                case Ops.POW -> {
                    int b = base + (ins >>> 16 & 0xff);
                    int c = base + (ins >>> 24);
                    if (r[b] != Values.INT || r[c] != Values.INT) {
                        throw arith2(r[b], r[c]);
                    }
                    n[a] = pow(n[b], n[c]);
                    put(r, a, Values.INT);
                }
                case Ops.NEG -> {
                    int s = base + (ins >>> 16);
                    if (r[s] != Values.INT) {
                        throw arith(r[s]);
                    }
                    n[a] = -n[s];
                    put(r, a, Values.INT);
                }
                case Ops.NOT -> {
                    Object v = r[base + (ins >>> 16)];
                    put(r, a, v == null || v == Boolean.FALSE ? Boolean.TRUE : Boolean.FALSE);
                }
                case Ops.LEN -> {
                    Object v = r[base + (ins >>> 16)];
                    if (v instanceof KString s) {
                        n[a] = s.length();
                    } else if (v instanceof KTable t) {
                        n[a] = t.size();
                    } else {
                        throw new KtapError("attempt to get length of a " + Values.typeName(v) + " value");
                    }
                    put(r, a, Values.INT);
                }
                case Ops.VARG -> {
                    int d = ins >>> 16;
                    int vb = fVarBase[depth];
                    int vc = fVarCount[depth];
                    if (d == 0) {
                        ensureStack(a + vc + 1);
                        r = sr;
                        n = sn;
                        System.arraycopy(r, vb, r, a, vc);
                        System.arraycopy(n, vb, n, a, vc);
                        top = a + vc;
                        if (top > highWater) {
                            highWater = top;
                        }
                    } else {
                        int want = d - 1;
                        for (int i = 0; i < want; i++) {
                            if (i < vc) {
                                put(r, a + i, r[vb + i]);
                                n[a + i] = n[vb + i];
                            } else {
                                put(r, a + i, null);
                            }
                        }
                    }
                }
                case Ops.EVGET -> eventPart(ins >>> 16, a);
                case Ops.EMIT -> emit(ins >>> 24, a, ins >>> 16 & 0xff);
                case Ops.AGG -> aggregate(a, ins >>> 16);
                case Ops.TAGG -> aggregateSlot(a, ins >>> 16);
            default -> throw new KtapError("internal error: unknown opcode " + (ins & 0xff));
        }
    }

    /**
     * {@code r[i] = v}, skipping the store when the slot already holds {@code v}: most stores
     * rewrite the same tag ({@link Values#INT}, a boolean), and skipping them saves the garbage
     * collector's write barrier on the hot path.
     */
    private static void put(Object[] r, int i, Object v) {
        if (r[i] != v) {
            r[i] = v;
        }
    }

    private Outcome fail(String message, Fn fn, int pc) {
        stopped = true;
        int line = fn == null ? 0 : fn.line(pc);
        sink.accept(new TraceOutput.RuntimeError(kernel.cpu(), kernel.traceClockNanos(), message, chunk.source(), line));
        return Outcome.ERROR;
    }

    private static long pow(long x, long e) {
        if (e < 0) {
            throw new KtapError("negative exponent");
        }
        long result = 1;
        while (e != 0) {
            if ((e & 1) != 0) {
                result *= x;
            }
            x *= x;
            e >>>= 1;
        }
        return result;
    }

    /** LT, LE, EQ or NE ({@code op}) of the registers B and C of {@code ins}. */
    private static boolean compareOp(int op, int ins, int base, Object[] r, long[] n) {
        int b = base + (ins >>> 16 & 0xff);
        int c = base + (ins >>> 24);
        if (op == Ops.EQ || op == Ops.NE) {
            return Values.equal(r[b], n[b], r[c], n[c]) == (op == Ops.EQ);
        }
        if (r[b] != Values.INT || r[c] != Values.INT) {
            throw compare(r[b], r[c]);
        }
        return op == Ops.LT ? n[b] < n[c] : n[b] <= n[c];
    }

    private static KtapError arith(Object v) {
        return new KtapError("attempt to perform arithmetic on a " + Values.typeName(v) + " value");
    }

    private static KtapError arith2(Object x, Object y) {
        return arith(x != Values.INT ? x : y);
    }

    private static KtapError compare(Object x, Object y) {
        return new KtapError("attempt to compare " + Values.typeName(x) + " with " + Values.typeName(y));
    }

    private static KTable table(Object v) {
        if (v instanceof KTable t) {
            return t;
        }
        throw new KtapError("attempt to index a " + Values.typeName(v) + " value");
    }

    private void index(Object target, Object keyRef, long keyNum, int dst) {
        if (target instanceof KTable t) {
            t.get(keyRef, keyNum, sr, sn, dst);
        } else if (target instanceof KEvent e) {
            e.index(keyRef, keyNum, sr, sn, dst);
            if (sr[dst] instanceof KString s) {
                sr[dst] = runtimeString(s);
            }
        } else {
            throw new KtapError("attempt to index a " + Values.typeName(target) + " value");
        }
    }

    // ---- events and records ------------------------------------------------------------------------

    private void eventPart(int selector, int dst) {
        TraceEvent ev = event;
        if (ev == null) {
            throw new KtapError("no event in this context");
        }
        switch (selector) {
            case 0 -> {
                if (eventObject == null) {
                    eventObject = new KEvent(ev);
                }
                sr[dst] = eventObject;
            }
            case 10 -> sr[dst] = runtimeString(ev.name());
            case 11 -> sr[dst] = runtimeString(ev.text());
            default -> {
                if (selector > ev.fieldCount()) {
                    sr[dst] = null;
                } else {
                    ev.field(selector, sr, sn, dst);
                    if (sr[dst] instanceof KString s) {
                        sr[dst] = runtimeString(s);
                    }
                }
            }
        }
    }

    private void emit(int schemaIndex, int from, int count) {
        RecordSchema schema = chunk.schemas().get(schemaIndex);
        Object[] values = new Object[count];
        for (int i = 0; i < count; i++) {
            RecordSchema.Field f = schema.fields().get(i);
            Object v = sr[from + i];
            String want = switch (f.type()) {
                case NUMBER -> v == Values.INT ? null : "number";
                case STRING -> v instanceof KString ? null : "string";
                case BOOLEAN -> v instanceof Boolean ? null : "boolean";
                case ANY -> v == null || v == Values.INT || v instanceof KString || v instanceof Boolean ? null
                        : "nil, number, string or boolean";
            };
            if (want != null) {
                throw new KtapError("emit: field '" + Bytes.toText(f.name()) + "' of record " + Bytes.toText(schema.name())
                        + " expects " + want + ", got " + Values.typeName(v));
            }
            values[i] = Values.toJava(v, sn[from + i]);
        }
        RecordNames n = recordNames(schemaIndex);
        sink.accept(new TraceOutput.Emit(kernel.cpu(), kernel.traceClockNanos(), n.schema, n.fields,
                Arrays.asList(values)));
    }

    /** A schema's name and field names as text, decoded once. */
    private record RecordNames(String schema, List<String> fields) {
    }

    private RecordNames[] recordNames;

    private RecordNames recordNames(int index) {
        if (recordNames == null) {
            recordNames = new RecordNames[chunk.schemas().size()];
        }
        RecordNames n = recordNames[index];
        if (n == null) {
            RecordSchema s = chunk.schemas().get(index);
            n = new RecordNames(Bytes.toText(s.name()), List.copyOf(s.fieldNames()));
            recordNames[index] = n;
        }
        return n;
    }

    // ---- aggregations ----------------------------------------------------------------------------

    /** AGG: R[a] = aggregate(R[a], R[a+1]) under descriptor {@code d}. */
    private void aggregate(int a, int d) {
        AggregationSpec spec = chunk.aggregations().get(d);
        long v = aggregationValue(spec, a + 1);
        KAgg g = aggregationIn(sr[a], spec);
        if (g == null) {
            g = newAggregation(spec);
            sr[a] = g;
        }
        g.update(v);
    }

    /** TAGG: R[a][R[a+1]] aggregated with R[a+2] under descriptor {@code d}. */
    private void aggregateSlot(int a, int d) {
        AggregationSpec spec = chunk.aggregations().get(d);
        KTable t = table(sr[a]);
        Object kr = sr[a + 1];
        long kn = sn[a + 1];
        if (kr == null) {
            throw new KtapError("table index is nil");
        }
        long v = aggregationValue(spec, a + 2);
        KAgg g = aggregationIn(t.getRef(kr, kn), spec);
        if (g == null) {
            g = newAggregation(spec);
            t.set(kr, kn, g, 0);
        }
        g.update(v);
    }

    private long aggregationValue(AggregationSpec spec, int reg) {
        if (spec.kind() == AggregationKind.COUNT) {
            return 0;
        }
        if (sr[reg] != Values.INT) {
            throw new KtapError("bad argument #1 to '" + spec.kind().functionName() + "' (number expected, got "
                    + Values.typeName(sr[reg]) + ")");
        }
        return sn[reg];
    }

    /** The aggregation {@code slot} holds for an update under {@code spec}, or null when it is nil. */
    private static KAgg aggregationIn(Object slot, AggregationSpec spec) {
        if (slot == null) {
            return null;
        }
        if (!(slot instanceof KAgg g)) {
            throw new KtapError("attempt to update a " + Values.typeName(slot) + " value with " + spec.signature());
        }
        if (!g.accepts(spec)) {
            throw new KtapError("attempt to update a " + g.spec.signature() + " aggregation with " + spec.signature());
        }
        return g;
    }

    private KAgg newAggregation(AggregationSpec spec) {
        int entries = KAgg.quotaEntries(spec);
        int max = limits.maxTableEntries();
        if (max != 0 && entryCount + entries > max) {
            collect();
            if (entryCount + entries > max) {
                throw new KtapError("table quota exceeded");
            }
        }
        entryCount += entries;
        return new KAgg(spec);
    }

    // ---- quotas ----------------------------------------------------------------------------------

    private KTable newTable(int hint) {
        if (limits.maxTables() != 0 && tableCount >= limits.maxTables()) {
            collect();
            if (tableCount >= limits.maxTables()) {
                throw new KtapError("table quota exceeded");
            }
        }
        tableCount++;
        return new KTable(this, nextId++, hint);
    }

    private void newClosureQuota() {
        if (limits.maxClosures() != 0 && closureCount >= limits.maxClosures()) {
            collect();
            if (closureCount >= limits.maxClosures()) {
                throw new KtapError("closure quota exceeded");
            }
        }
        closureCount++;
    }

    private void stringQuota(int bytes) {
        int pool = limits.stringPoolBytes();
        if (pool != 0 && stringBytes + bytes > pool) {
            collect();
            if (stringBytes + bytes > pool) {
                throw new KtapError("string quota exceeded");
            }
        }
        stringBytes += bytes;
    }

    /** A string made at run time (not a constant): counted against the pool, cut to the length limit. */
    private KString runtimeString(KString s) {
        if (constants.contains(s)) {
            return s;
        }
        if (s.length() > maxString) {
            s = KString.wrap(Arrays.copyOf(s.bytes(), maxString));
        }
        stringQuota(s.length());
        return s;
    }

    private KString runtimeString(byte[] bytes) {
        if (bytes.length > maxString) {
            bytes = Arrays.copyOf(bytes, maxString);
        }
        stringQuota(bytes.length);
        return KString.wrap(bytes);
    }

    private KString runtimeString(String text) {
        return runtimeString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void entryAdded() {
        int max = limits.maxTableEntries();
        if (max != 0 && entryCount >= max) {
            collect();
            if (entryCount >= max) {
                throw new KtapError("table quota exceeded");
            }
        }
        entryCount++;
    }

    @Override
    public void entriesRemoved(int count) {
        entryCount -= count;
    }

    /**
     * Recounts the quotas from what is reachable now: the globals, every slot of the active frames
     * (and variable results up to top), the open and captured upvalues, the registered closures.
     * Deterministic: the same program and events give the same counts on every run.
     */
    private void collect() {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object> work = new ArrayDeque<>();
        int tables = 0;
        int entries = 0;
        int closures = 0;
        long strings = 0;
        for (Object g : gref) {
            push(g, seen, work);
        }
        int extent = Math.max(top, depthExtent());
        for (int i = 0; i < extent && i < sr.length; i++) {
            push(sr[i], seen, work);
        }
        for (KClosure c : roots) {
            if (c != null) {
                push(c, seen, work);
            }
        }
        for (DynamicProbe p : dynamicProbes) {
            push(p.handler(), seen, work);
        }
        for (KClosure c : endFunctions) {
            push(c, seen, work);
        }
        for (UpVal u = openUps; u != null; u = u.next) {
            push(sr[u.index], seen, work);
        }
        while (!work.isEmpty()) {
            Object o = work.pop();
            if (o instanceof KTable t) {
                if (t != argTable) {
                    tables++;
                    entries += t.size();
                }
                for (int p = t.nextPosition(0); p >= 0; p = t.nextPosition(p + 1)) {
                    push(t.keyRefAt(p), seen, work);
                    push(t.valueRefAt(p), seen, work);
                }
            } else if (o instanceof KClosure c) {
                if (roots[c.fn.index] != c) {
                    closures++;
                }
                for (UpVal u : c.upvals) {
                    push(u.open ? sr[u.index] : u.ref, seen, work);
                }
            } else if (o instanceof KAgg g) {
                entries += g.quotaEntries();
            } else if (o instanceof KString s) {
                if (!constants.contains(s)) {
                    strings += s.length();
                }
            }
        }
        tableCount = tables;
        entryCount = entries;
        closureCount = closures;
        stringBytes = strings;
    }

    private int depthExtent() {
        if (fCl[depth] == null) {
            return 0;
        }
        return fBase[depth] + fCl[depth].fn.frameSize;
    }

    private static void push(Object o, Set<Object> seen, ArrayDeque<Object> work) {
        if (o != null && o != Values.INT && !(o instanceof Boolean) && seen.add(o)) {
            work.push(o);
        }
    }

    // ---- builtins --------------------------------------------------------------------------------

    /** Thrown by {@code exit()}: unwinds the invocation. */
    private static final class ExitSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ExitSignal() {
            super(null, null, false, false);
        }
    }

    private void callBound(KBuiltinFunction bf, int func, int nargs) {
        if (bf.receiver() instanceof KEvent e && bf.name().equals("tostring")) {
            sr[func] = runtimeString(e.event().text());
            return;
        }
        throw new KtapError("attempt to call a builtin value '" + bf.name() + "'");
    }

    private void builtin(int id, int a, int nargs) {
        Builtin b = Builtin.byId(id).orElseThrow(() -> new KtapError("internal error: unknown builtin " + id));
        if (!b.accepts(nargs)) {
            throw new KtapError("wrong number of arguments to '" + b.qualifiedName() + "'");
        }
        Builtins.call(this, b, a, nargs);
    }

    // Accessors the builtins use (package-private).

    Object[] refs() {
        return sr;
    }

    long[] nums() {
        return sn;
    }

    KernelContext kernel() {
        return kernel;
    }

    int maxString() {
        return maxString;
    }

    void print(String text) {
        sink.accept(new TraceOutput.Print(kernel.cpu(), kernel.traceClockNanos(), text));
    }

    void output(TraceOutput out) {
        sink.accept(out);
    }

    KString string(byte[] bytes) {
        return runtimeString(bytes);
    }

    KString string(String text) {
        return runtimeString(text);
    }

    KString string(KString s) {
        return runtimeString(s);
    }

    KTable table(int hint) {
        return newTable(hint);
    }

    void exit(int status) {
        exitStatus = status;
        throw new ExitSignal();
    }

    void registerProbe(String spec, KClosure fn) {
        dynamicProbes.add(new DynamicProbe(spec, fn));
    }

    void registerEnd(KClosure fn) {
        endFunctions.add(fn);
    }

    /** For tests: the live-object counts after an exact recount. */
    Map<String, Long> recount() {
        collect();
        return Map.of("tables", (long) tableCount, "entries", (long) entryCount, "closures", (long) closureCount,
                "strings", stringBytes);
    }
}
