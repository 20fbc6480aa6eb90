package io.ktap.kernel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.ktap.kernel.internal.KLibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One session of ktapvm.ko at the level of its control file (ktapvm_uapi.h): open, load a chunk
 * with its event table, map the rings, start, poll, stop, close. {@link KernelBackend} builds the
 * SPI on top of it; use this class directly for the zero-copy path.
 *
 * <pre>{@code
 * try (Ktapvm vm = Ktapvm.open()) {
 *     vm.load(chunkBytes, eventTable, Ktapvm.LoadOptions.defaults());
 *     vm.start();
 *     while (!vm.ended()) vm.poll(Duration.ofMillis(100), view -> ...);
 * }
 * }</pre>
 *
 * <p>Not thread-safe, except {@link #stop()}, which may be called from any thread while another
 * polls.
 */
public final class Ktapvm implements AutoCloseable {

    /** The control file. */
    public static final Path CONTROL = Path.of("/sys/kernel/debug/ktap/ktapvm");

    public static final int ABI_VERSION = 1;
    static final int LOAD_REQ_SIZE = 96;
    static final int STATS_SIZE = 64;
    static final long IOC_LOAD = ioc(3, 1, LOAD_REQ_SIZE);
    static final long IOC_START = ioc(0, 2, 0);
    static final long IOC_STOP = ioc(0, 3, 0);
    static final long IOC_STATS = ioc(3, 4, STATS_SIZE);
    static final int FLAG_ENABLE_ON_EXEC = 1;
    private static final int ERR_SIZE = 512;

    private static long ioc(int dir, int nr, int size) {
        return ((long) dir << 30) | ((long) size << 16) | (0xb7L << 8) | nr;
    }

    /**
     * What LOAD takes besides the chunk and the event table.
     *
     * @param pid          trace this process only, or -1
     * @param cpu          trace this CPU only, or -1
     * @param ringBytes    data bytes of each ring (a power of two, 4096..64 MiB), or 0 for 1 MiB
     * @param enableOnExec the pid's events start at its next execve (a held {@code -- CMD})
     * @param scriptName   {@code arg[0]}
     * @param args         {@code arg[1]}...
     */
    public record LoadOptions(int pid, int cpu, int ringBytes, boolean enableOnExec, String scriptName,
                              List<String> args) {
        public LoadOptions {
            args = List.copyOf(args);
        }

        public static LoadOptions defaults() {
            return new LoadOptions(-1, -1, 0, false, "", List.of());
        }
    }

    /** What the session reports of itself ({@code KTAPVM_IOC_STATS}). */
    public record Stats(int state, int exitStatus, int endedBy, long hits, long runs, long filtered, long recursion,
                        long lost, long perfCounters) {
        public static final int NEW = 0;
        public static final int LOADED = 1;
        public static final int RUNNING = 2;
        public static final int ENDED = 3;
    }

    private final int fd;
    private final List<Mapping> mappings = new ArrayList<>();
    private final Memory pollfd = new Memory(8);
    private RingSet rings;
    private long sessionId;
    private volatile boolean ended;
    private boolean closed;

    private record Mapping(long address, long length) {
    }

    private Ktapvm(int fd) {
        this.fd = fd;
    }

    /** Opens a session on the control file (root with CAP_SYS_ADMIN). */
    public static Ktapvm open() {
        return open(CONTROL);
    }

    static Ktapvm open(Path control) {
        try {
            return new Ktapvm(KLibC.open(control.toString(), KLibC.O_RDWR | KLibC.O_CLOEXEC, 0));
        } catch (LastErrorException e) {
            throw new KernelException("cannot open " + control + ": " + describe(e.getErrorCode())
                    + (e.getErrorCode() == 2 ? " (is ktapvm.ko loaded and debugfs mounted?)" : "")
                    + (e.getErrorCode() == 1 || e.getErrorCode() == 13 ? " (needs root with CAP_SYS_ADMIN)" : ""),
                    e.getErrorCode(), e);
        }
    }

    static String describe(int errno) {
        return KLibC.strerror(errno) + " (errno " + errno + ")";
    }

    /**
     * Verifies and loads {@code chunk}, checks {@code eventTable} against its probe table and creates
     * every event, disabled; then maps every ring.
     *
     * @throws KernelException with the module's reason when it refuses the chunk or an event
     */
    public void load(byte[] chunk, byte[] eventTable, LoadOptions options) {
        byte[] args = argBytes(options);
        Memory chunkMem = new Memory(Math.max(1, chunk.length));
        chunkMem.write(0, chunk, 0, chunk.length);
        Memory tab = new Memory(Math.max(8, eventTable.length));
        tab.write(0, eventTable, 0, eventTable.length);
        Memory argMem = new Memory(Math.max(1, args.length));
        argMem.write(0, args, 0, args.length);
        Memory err = new Memory(ERR_SIZE);
        err.clear();
        Memory req = new Memory(LOAD_REQ_SIZE);
        req.clear();
        req.setInt(0, LOAD_REQ_SIZE);
        req.setInt(4, ABI_VERSION);
        req.setLong(8, Pointer.nativeValue(chunkMem));
        req.setInt(16, chunk.length);
        req.setInt(20, eventTable.length);
        req.setLong(24, Pointer.nativeValue(tab));
        req.setInt(32, options.pid());
        req.setInt(36, options.cpu());
        req.setInt(40, options.ringBytes());
        req.setInt(44, options.enableOnExec() ? FLAG_ENABLE_ON_EXEC : 0);
        req.setLong(48, Pointer.nativeValue(argMem));
        req.setInt(56, args.length);
        req.setInt(60, options.args().size());
        req.setLong(64, Pointer.nativeValue(err));
        req.setInt(72, ERR_SIZE);
        try {
            KLibC.ioctl(fd, IOC_LOAD, Pointer.nativeValue(req));
        } catch (LastErrorException e) {
            String why = err.getString(0, StandardCharsets.UTF_8.name());
            throw new KernelException("ktapvm refused the program: " + (why.isEmpty() ? describe(e.getErrorCode()) : why),
                    e.getErrorCode(), e);
        }
        int nrRings = req.getInt(76);
        long mapSize = req.getLong(80);
        sessionId = req.getLong(88);
        List<KernelRing> list = new ArrayList<>();
        for (int i = 0; i < nrRings; i++) {
            long base = mapSize * i;
            ByteBuffer cons = map(base, KernelRing.PAGE, KLibC.PROT_READ | KLibC.PROT_WRITE);
            ByteBuffer prod = map(base + KernelRing.PAGE, mapSize - KernelRing.PAGE, KLibC.PROT_READ);
            list.add(new KernelRing(i, cons, prod));
        }
        rings = new RingSet(list);
    }

    private static byte[] argBytes(LoadOptions o) {
        StringBuilder sb = new StringBuilder(o.scriptName()).append('\0');
        for (String a : o.args()) {
            sb.append(a).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private ByteBuffer map(long offset, long length, int prot) {
        long addr;
        try {
            addr = KLibC.mmap(0, length, prot, KLibC.MAP_SHARED, fd, offset);
        } catch (LastErrorException e) {
            throw new KernelException("cannot map a ktapvm ring: " + describe(e.getErrorCode()), e.getErrorCode(), e);
        }
        mappings.add(new Mapping(addr, length));
        return new Pointer(addr).getByteBuffer(0, length).order(ByteOrder.nativeOrder());
    }

    /** The kernel's id of this session (as its log names it). */
    public long sessionId() {
        return sessionId;
    }

    /** The session's rings, after {@link #load}. */
    public RingSet rings() {
        if (rings == null) {
            throw new IllegalStateException("load a program first");
        }
        return rings;
    }

    /** Runs the main block and enables every event. */
    public void start() {
        ioctl(IOC_START, 0, "start");
    }

    /**
     * Ends tracing: every event is released, running handlers are waited for, the end block runs.
     * Its records are in the rings afterwards. Idempotent; callable from any thread.
     */
    public void stop() {
        ioctl(IOC_STOP, 0, "stop");
    }

    public Stats stats() {
        Memory m = new Memory(STATS_SIZE);
        m.clear();
        m.setInt(0, STATS_SIZE);
        ioctl(IOC_STATS, Pointer.nativeValue(m), "read the statistics of");
        return new Stats(m.getInt(4), m.getInt(8), m.getInt(12), m.getLong(16), m.getLong(24), m.getLong(32),
                m.getLong(40), m.getLong(48), m.getLong(56));
    }

    private void ioctl(long request, long arg, String what) {
        try {
            KLibC.ioctl(fd, request, arg);
        } catch (LastErrorException e) {
            throw new KernelException("cannot " + what + " the ktapvm session: " + describe(e.getErrorCode()),
                    e.getErrorCode(), e);
        }
    }

    /**
     * Delivers what the rings hold; when they hold nothing, waits up to {@code timeout} for records
     * or the end of the session (one {@code poll(2)}), then delivers what arrived.
     *
     * @return the number of records delivered
     */
    public int poll(Duration timeout, RecordHandler handler) {
        RingSet set = rings();
        int n = set.drain(handler, Integer.MAX_VALUE);
        if (n > 0 || ended) {
            return n;
        }
        pollfd.setInt(0, fd);
        pollfd.setShort(4, KLibC.POLLIN);
        pollfd.setShort(6, (short) 0);
        try {
            KLibC.poll(Pointer.nativeValue(pollfd), 1, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (LastErrorException e) {
            if (e.getErrorCode() != 4) { // EINTR
                throw new KernelException("poll on the ktapvm session failed: " + describe(e.getErrorCode()),
                        e.getErrorCode(), e);
            }
        }
        short revents = pollfd.getShort(6);
        if ((revents & (KLibC.POLLHUP | KLibC.POLLERR)) != 0) {
            ended = true;
        }
        // After HUP the end block's records are complete: deliver them all.
        return set.drain(handler, Integer.MAX_VALUE);
    }

    /** Whether the module reported the session ended (exit, error, stop); its rings stay readable. */
    public boolean ended() {
        return ended;
    }

    /** Unmaps the rings and closes the session (which stops it if needed). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Mapping m : mappings) {
            try {
                KLibC.munmap(m.address(), m.length());
            } catch (LastErrorException ignored) {
                // Nothing else to do: the mapping goes with the process at worst.
            }
        }
        mappings.clear();
        try {
            KLibC.close(fd);
        } catch (LastErrorException ignored) {
            // close(2) releases the descriptor even when it reports an error.
        }
    }
}
