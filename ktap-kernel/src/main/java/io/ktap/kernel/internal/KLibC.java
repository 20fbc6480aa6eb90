package io.ktap.kernel.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * The libc calls the kernel backend makes, bound with JNA direct mapping; pointers cross as raw
 * {@code long} addresses. Loading this class may throw a {@link LinkageError} where JNA or libc
 * cannot be loaded: only {@link io.ktap.kernel.KernelSupport} touches it before availability is known.
 */
public final class KLibC {
    static {
        Native.register(KLibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    public static final int O_RDWR = 2;
    public static final int O_CLOEXEC = 0x80000;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;

    private KLibC() {
    }

    public static native int open(String path, int flags, int mode) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    public static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    public static native long mmap(long addr, long length, int prot, int flags, int fd, long offset)
            throws LastErrorException;

    public static native int munmap(long addr, long length) throws LastErrorException;

    /** {@code poll(2)} on {@code nfds} {@code struct pollfd}s (8 bytes each) at {@code fds}. */
    public static native int poll(long fds, long nfds, int timeoutMillis) throws LastErrorException;

    public static native String strerror(int errno);
}
