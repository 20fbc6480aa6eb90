package io.ktap.host.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.ktap.host.HostException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Thin, checked wrappers over {@link LibC}: each turns a failed call into a {@link HostException}
 * naming the operation and the errno. None of these is on the per-record path.
 */
public final class Sys {
    /** perf_event_open(2) has no libc wrapper; its number differs per architecture. */
    public static final long NR_PERF_EVENT_OPEN = perfEventOpenNumber();

    /** sysconf(_SC_PAGESIZE) in glibc and musl on Linux. */
    public static final int SC_PAGESIZE = 30;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EPOLL_CLOEXEC = 0x80000;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    /** struct epoll_event is packed (12 bytes) on x86_64 only. */
    public static final int EPOLL_EVENT_SIZE = Platform.isIntel() && Platform.is64Bit() ? 12 : 16;

    private Sys() {
    }

    private static long perfEventOpenNumber() {
        if (!Platform.isLinux()) {
            return -1;
        }
        return switch (Platform.ARCH) {
            case "x86-64" -> 298;
            case "aarch64" -> 241;
            default -> -1;
        };
    }

    public static int perfEventOpen(PerfEventAttr attr, int pid, int cpu, int groupFd, long flags)
            throws HostException {
        byte[] bytes = attr.toBytes();
        Memory mem = new Memory(bytes.length);
        mem.write(0, bytes, 0, bytes.length);
        try {
            return (int) LibC.syscall(NR_PERF_EVENT_OPEN, Pointer.nativeValue(mem), pid, cpu, groupFd, flags);
        } catch (LastErrorException e) {
            throw new HostException(perfOpenMessage(e.getErrorCode(), attr, pid, cpu), e.getErrorCode(), e);
        } finally {
            mem.close();
        }
    }

    private static String perfOpenMessage(int errno, PerfEventAttr attr, int pid, int cpu) {
        String what = "perf_event_open(type=" + attr.type() + ", config=" + attr.config()
                + ", pid=" + pid + ", cpu=" + cpu + ") failed: " + Errno.describe(errno);
        String hint = switch (errno) {
            case Errno.EACCES, Errno.EPERM -> "; tracing needs root or CAP_PERFMON"
                    + " (kernel.perf_event_paranoid=" + readParanoid() + ")";
            case Errno.ENOENT -> "; the kernel has no such event";
            case Errno.ESRCH -> "; no process with that pid";
            case Errno.ENODEV -> "; no such cpu, or the PMU does not support it";
            case Errno.EMFILE -> "; too many open files (raise the descriptor limit)";
            case Errno.ENOSYS -> "; the kernel was built without perf events";
            default -> "";
        };
        return what + hint;
    }

    static String readParanoid() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/perf_event_paranoid")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    public static void ioctl(int fd, long request, long arg, String what) throws HostException {
        try {
            LibC.ioctl(fd, request, arg);
        } catch (LastErrorException e) {
            throw new HostException(what + " failed: " + Errno.describe(e.getErrorCode()), e.getErrorCode(), e);
        }
    }

    /** PERF_EVENT_IOC_ID: the kernel's id of an event, as PERF_SAMPLE_IDENTIFIER reports it. */
    public static long eventId(int fd) throws HostException {
        try (Memory mem = new Memory(8)) {
            ioctl(fd, Perf.IOC_ID, Pointer.nativeValue(mem), "PERF_EVENT_IOC_ID");
            return mem.getLong(0);
        }
    }

    /** PERF_EVENT_IOC_SET_FILTER with a kernel event filter expression. */
    public static void setFilter(int fd, String filter) throws HostException {
        byte[] text = filter.getBytes(StandardCharsets.UTF_8);
        try (Memory mem = new Memory(text.length + 1L)) {
            mem.write(0, text, 0, text.length);
            mem.setByte(text.length, (byte) 0);
            ioctl(fd, Perf.IOC_SET_FILTER, Pointer.nativeValue(mem), "setting filter '" + filter + "'");
        }
    }

    /** Reads exactly {@code count} longs from an fd (a perf counter's read_format). */
    public static long[] readLongs(int fd, int count) throws HostException {
        try (Memory mem = new Memory(8L * count)) {
            long n = LibC.read(fd, Pointer.nativeValue(mem), 8L * count);
            if (n != 8L * count) {
                throw new HostException("short read from perf event fd: " + n + " bytes");
            }
            return mem.getLongArray(0, count);
        } catch (LastErrorException e) {
            throw new HostException("read from perf event fd failed: " + Errno.describe(e.getErrorCode()),
                    e.getErrorCode(), e);
        }
    }

    /** A shared read-write mapping of an fd as a native-order direct buffer. */
    public static MappedRegion mmap(int fd, long length) throws HostException {
        long addr;
        try {
            addr = LibC.mmap(0, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        } catch (LastErrorException e) {
            String hint = e.getErrorCode() == Errno.EPERM
                    ? "; the locked-memory limit for perf rings is exhausted (kernel.perf_event_mlock_kb)"
                    : "";
            throw new HostException("mmap of " + length + " bytes of perf ring failed: "
                    + Errno.describe(e.getErrorCode()) + hint, e.getErrorCode(), e);
        }
        ByteBuffer buffer = new Pointer(addr).getByteBuffer(0, length).order(ByteOrder.nativeOrder());
        return new MappedRegion(addr, length, buffer);
    }

    /** A mapping made by {@link #mmap}; unmapped once. */
    public static final class MappedRegion {
        private final long address;
        private final long length;
        private final ByteBuffer buffer;
        private boolean unmapped;

        MappedRegion(long address, long length, ByteBuffer buffer) {
            this.address = address;
            this.length = length;
            this.buffer = buffer;
        }

        public ByteBuffer buffer() {
            return buffer;
        }

        public synchronized void unmap() {
            if (!unmapped) {
                unmapped = true;
                try {
                    LibC.munmap(address, length);
                } catch (LastErrorException e) {
                    throw new IllegalStateException("munmap failed: " + Errno.describe(e.getErrorCode()), e);
                }
            }
        }
    }

    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                LibC.close(fd);
            } catch (LastErrorException ignored) {
                // Nothing to do: the descriptor is gone either way (close(2) never leaves it open on Linux).
            }
        }
    }
}
