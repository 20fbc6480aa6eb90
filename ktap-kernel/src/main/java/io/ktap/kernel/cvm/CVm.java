package io.ktap.kernel.cvm;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.RecordView;
import io.ktap.trace.AggregationKind;
import io.ktap.trace.TraceOutput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The C VM core built for userspace ({@code libktapvm.so}), driven through JNA: loads a chunk,
 * runs the main chunk, probe handlers on synthetic events and the end blocks, and reads the
 * records back from its per-CPU rings (the ring protocol of src/site/markdown/kernel-module.md)
 * as {@link TraceOutput}s, so that tests can run exactly what the kernel module runs and compare it
 * with the Java VM.
 *
 * <p>One VM is used by one thread at a time. {@link #close()} is idempotent.
 */
public final class CVm implements AutoCloseable {

    /** How an invocation ended ({@code enum ktapvm_outcome}). */
    public enum Outcome {
        OK, EXIT, ERROR, STOPPED, BUSY;

        static Outcome of(int code) {
            return values()[code];
        }
    }

    /** Record types of the ring protocol (kernel-module.md). */
    public static final int REC_PRINT = 1;
    public static final int REC_HISTOGRAM = 2;
    public static final int REC_EMIT = 3;
    public static final int REC_ERROR = 4;
    public static final int REC_LOST = 5;
    public static final int REC_EXIT = 6;
    public static final int REC_AGGREGATION = 7;

    private static final String LIBRARY = "libktapvm.so";
    private static final CVmLibrary LIB;
    private static final String UNAVAILABLE;

    static {
        CVmLibrary lib = null;
        String cause = null;
        try {
            lib = Native.load(libraryPath().toString(), CVmLibrary.class);
        } catch (UnsatisfiedLinkError | IllegalStateException e) {
            cause = e.getMessage();
        }
        LIB = lib;
        UNAVAILABLE = cause;
    }

    private final Chunk chunk;
    private final CVmLibrary.Callbacks callbacks = new CVmLibrary.Callbacks();
    private final Memory drainBuffer;
    private Pointer vm;
    private int exitStatus;
    private RecordView records;

    private CVm(Pointer vm, Chunk chunk, int ringBytes) {
        this.vm = vm;
        this.chunk = chunk;
        this.drainBuffer = new Memory(Math.max(1 << 16, ringBytes + 64L));
    }

    /** Where {@code libktapvm.so} is: {@code -Dktapvm.native.dir}, else {@code target/native}. */
    static Path libraryPath() {
        String dir = System.getProperty("ktapvm.native.dir");
        Path p = Path.of(dir != null ? dir : "target/native").resolve(LIBRARY).toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("no " + LIBRARY + " at " + p + " (build it: make -C src/main/c/vm userspace)");
        }
        return p;
    }

    /** Whether the userspace C VM could be loaded. */
    public static boolean isAvailable() {
        return LIB != null;
    }

    /** Why {@link #isAvailable()} is false, or empty. */
    public static Optional<String> unavailabilityCause() {
        return Optional.ofNullable(UNAVAILABLE);
    }

    private static CVmLibrary lib() {
        if (LIB == null) {
            throw new IllegalStateException("the userspace C VM is not available: " + UNAVAILABLE);
        }
        return LIB;
    }

    /**
     * The C verifier's verdict on {@code bytes}: empty when it accepts the chunk, else the first
     * violation (reader rules and verifier rules, as {@code ktapvm_load} applies them).
     *
     * @param kernelPolicy whether unlimited budgets are refused, as in the kernel
     */
    public static Optional<String> verify(byte[] bytes, boolean kernelPolicy) {
        byte[] err = new byte[512];
        int rc = lib().ktapvm_verify_policy(bytes, bytes.length, kernelPolicy ? 1 : 0, err, err.length);
        return rc == 0 ? Optional.empty() : Optional.of(cString(err));
    }

    /**
     * Loads {@code bytes} (the serialized form of {@code chunk}, which the records are decoded
     * against) with one ring of {@code ringBytes}.
     *
     * @throws IllegalArgumentException with the loader's message when the C VM rejects the chunk
     */
    public static CVm load(byte[] bytes, Chunk chunk, int ringBytes) {
        Objects.requireNonNull(chunk, "chunk");
        CVmLibrary.LoadOpts opts = new CVmLibrary.LoadOpts();
        opts.ring_bytes = ringBytes;
        opts.nr_rings = 1;
        byte[] err = new byte[512];
        Pointer p = lib().ktapvm_load(bytes, bytes.length, opts, err, err.length);
        if (p == null) {
            throw new IllegalArgumentException(cString(err));
        }
        return new CVm(p, chunk, ringBytes);
    }

    private Pointer vm() {
        if (vm == null) {
            throw new IllegalStateException("closed");
        }
        return vm;
    }

    /** Fills the global {@code arg}: {@code arg[0]} the script, then the arguments. */
    public void setArgs(String script, List<String> args) {
        Memory argv = new Memory(8L * Math.max(1, args.size()));
        List<Memory> keep = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            Memory m = cBytes(args.get(i).getBytes(StandardCharsets.UTF_8));
            keep.add(m);
            argv.setPointer(8L * i, m);
        }
        lib().ktapvm_set_args(vm(), nul(script.getBytes(StandardCharsets.UTF_8)), args.size(), argv);
        keep.clear();
    }

    /** The simulated kernel's current state as the kernel-only builtins will read it. */
    public void setTask(long pid, long tid, long uid, byte[] execname) {
        lib().ktapvm_user_set_task(vm(), pid, tid, uid, nul(execname));
    }

    public void setCpu(int cpu, int numCpus) {
        lib().ktapvm_user_set_cpu(vm(), cpu, numCpus);
    }

    public void setClock(long traceClockNanos, long realtimeNanos) {
        lib().ktapvm_user_set_clock(vm(), traceClockNanos, realtimeNanos);
    }

    public void setSystem(byte[] arch, byte[] release) {
        lib().ktapvm_user_set_system(vm(), nul(arch), nul(release));
    }

    public void setFlags(boolean inInterrupt, boolean inIowait) {
        lib().ktapvm_user_set_flags(vm(), inInterrupt ? 1 : 0, inIowait ? 1 : 0);
    }

    /** Installs callbacks for memory reads, stacks and symbols (the caller keeps them reachable via this VM). */
    public CVmLibrary.Callbacks callbacks() {
        return callbacks;
    }

    /** Hands {@link #callbacks()} to the C VM after the caller filled them. */
    public void applyCallbacks() {
        callbacks.write();
        lib().ktapvm_user_set_callbacks(vm(), callbacks);
    }

    public Outcome runMain() {
        return Outcome.of(lib().ktapvm_run_main(vm()));
    }

    /** Runs probe-table entry {@code probe}'s handler for {@code event} (null: a timer). */
    public Outcome runProbe(int probe, CEvent event) {
        try (CEvent.Native n = event == null ? null : event.toNative()) {
            return Outcome.of(lib().ktapvm_run_probe(vm(), probe, n == null ? null : n.pointer()));
        }
    }

    /** Runs closure {@code index} registered by {@code kdebug.probe}. */
    public Outcome runDynamic(int index, CEvent event) {
        try (CEvent.Native n = event == null ? null : event.toNative()) {
            return Outcome.of(lib().ktapvm_run_dynamic(vm(), index, n == null ? null : n.pointer()));
        }
    }

    public int dynamicProbes() {
        return lib().ktapvm_nr_dynamic(vm());
    }

    public Outcome runEnd() {
        return Outcome.of(lib().ktapvm_run_end(vm()));
    }

    /** The status given to {@code exit(n)}, as the last EXIT record said. */
    public int exitStatus() {
        return exitStatus;
    }

    /** Reads and consumes every record of every ring, decoded. */
    public List<TraceOutput> drain() {
        List<TraceOutput> out = new ArrayList<>();
        for (Raw r : drainRaw()) {
            TraceOutput o = decode(r);
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    /** A record as it was in the ring. */
    public record Raw(int type, int cpu, long timeNanos, byte[] payload) {
    }

    /** Reads and consumes every record of every ring, undecoded (one native call per batch). */
    public List<Raw> drainRaw() {
        List<Raw> out = new ArrayList<>();
        while (true) {
            int n = lib().ktapvm_user_drain(vm(), drainBuffer, (int) drainBuffer.size());
            if (n == 0) {
                return out;
            }
            int off = 0;
            while (off < n) {
                int type = drainBuffer.getInt(off);
                int cpu = drainBuffer.getInt(off + 4L);
                long time = drainBuffer.getLong(off + 8L);
                int len = drainBuffer.getInt(off + 16L);
                out.add(new Raw(type, cpu, time, drainBuffer.getByteArray(off + 24L, len)));
                off += 24 + (len + 7 & ~7);
            }
        }
    }

    private TraceOutput decode(Raw r) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(r.payload()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        switch (r.type()) {
            case REC_PRINT:
                return new TraceOutput.Print(r.cpu(), r.timeNanos(), utf8(r.payload(), 0, r.payload().length));
            case REC_ERROR: {
                int line = b.getInt(0);
                return new TraceOutput.RuntimeError(r.cpu(), r.timeNanos(), utf8(r.payload(), 4, r.payload().length - 4),
                        chunk.source(), line);
            }
            case REC_LOST:
                return new TraceOutput.Lost(r.cpu(), r.timeNanos(), b.getLong(0));
            case REC_HISTOGRAM: {
                int rows = b.getInt(0);
                int omitted = b.getInt(4);
                int off = 8;
                List<TraceOutput.Histogram.Row> list = new ArrayList<>(rows);
                for (int i = 0; i < rows; i++) {
                    long count = b.getLong(off);
                    int bar = b.getInt(off + 8);
                    int klen = b.getInt(off + 12);
                    list.add(new TraceOutput.Histogram.Row(utf8(r.payload(), off + 16, klen), count, bar));
                    off += 16 + (klen + 7 & ~7);
                }
                return new TraceOutput.Histogram(r.cpu(), r.timeNanos(), list, omitted);
            }
            case REC_EMIT:
                return records().wrap(b, 0, r.payload().length).toEmit(r.cpu(), r.timeNanos());
            case REC_EXIT:
                exitStatus = (int) b.getLong(0);
                return null;
            case REC_AGGREGATION:
                return aggregation(r, b);
            default:
                throw new IllegalStateException("unknown record type " + r.type());
        }
    }

    private RecordView records() {
        if (records == null) {
            records = new RecordView(chunk.schemas());
        }
        return records;
    }

    /** Decodes an AGGREGATION record (the kernel module guide's ring section). */
    public static TraceOutput.Aggregation aggregation(Raw r, java.nio.ByteBuffer b) {
        AggregationKind kind = AggregationKind.byCode(b.getInt(0))
                .orElseThrow(() -> new IllegalStateException("unknown aggregation kind " + b.getInt(0)));
        int count = b.getInt(4);
        long min = b.getLong(8);
        long max = b.getLong(16);
        long step = b.getLong(24);
        int nameLen = b.getInt(32);
        String name = utf8(r.payload(), 36, nameLen);
        int off = 36 + nameLen + 7 & ~7;
        List<TraceOutput.Aggregation.Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean keyed = (b.getInt(off) & 1) != 0;
            int keyLen = b.getInt(off + 4);
            String key = keyed ? utf8(r.payload(), off + 8, keyLen) : null;
            off = off + 8 + keyLen + 7 & ~7;
            long n = b.getLong(off);
            long sum = b.getLong(off + 8);
            long lo = b.getLong(off + 16);
            long hi = b.getLong(off + 24);
            int first = b.getInt(off + 32);
            int buckets = b.getInt(off + 36);
            off += 40;
            List<Long> counts = new ArrayList<>(buckets);
            for (int k = 0; k < buckets; k++) {
                counts.add(b.getLong(off));
                off += 8;
            }
            entries.add(new TraceOutput.Aggregation.Entry(key, n, sum, lo, hi, first, counts));
        }
        return new TraceOutput.Aggregation(r.cpu(), r.timeNanos(), name, kind, min, max, step, entries);
    }

    private static String utf8(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.UTF_8);
    }

    static byte[] nul(byte[] s) {
        byte[] r = new byte[s.length + 1];
        System.arraycopy(s, 0, r, 0, s.length);
        return r;
    }

    static Memory cBytes(byte[] s) {
        Memory m = new Memory(s.length + 1L);
        m.write(0, s, 0, s.length);
        m.setByte(s.length, (byte) 0);
        return m;
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (vm != null) {
            lib().ktapvm_free(vm);
            vm = null;
        }
    }
}
