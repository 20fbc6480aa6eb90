package io.ktap.host.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * The handful of libc entry points the host backend needs, bound with JNA direct mapping (a JNI
 * stub per method, no reflection or argument boxing per call). Every pointer crosses as a raw
 * {@code long} address so that the only managed allocation on a call is the exception on failure.
 *
 * <p>Loading this class may throw a {@link LinkageError} where JNA or libc cannot be loaded; only
 * {@link io.ktap.host.HostSupport} touches it before availability has been established.
 */
public final class LibC {
    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {
    }

    /** {@code syscall(2)} with the perf_event_open argument shape. */
    public static native long syscall(long number, long attr, int pid, int cpu, int groupFd, long flags)
            throws LastErrorException;

    public static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    public static native long mmap(long addr, long length, int prot, int flags, int fd, long offset)
            throws LastErrorException;

    public static native int munmap(long addr, long length) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    public static native long read(int fd, long buf, long count) throws LastErrorException;

    public static native long write(int fd, long buf, long count) throws LastErrorException;

    public static native int epoll_create1(int flags) throws LastErrorException;

    public static native int epoll_ctl(int epfd, int op, int fd, long event) throws LastErrorException;

    public static native int epoll_wait(int epfd, long events, int maxEvents, int timeoutMillis)
            throws LastErrorException;

    public static native int eventfd(int initval, int flags) throws LastErrorException;

    public static native int mount(String source, String target, String fsType, long flags, long data)
            throws LastErrorException;

    public static native int mkfifo(String path, int mode) throws LastErrorException;

    public static native int open(String path, int flags, int mode) throws LastErrorException;

    /** {@code process_vm_readv(2)}: iovecs cross as addresses of native {@code struct iovec} arrays. */
    public static native long process_vm_readv(int pid, long localIov, long localCount, long remoteIov,
                                               long remoteCount, long flags) throws LastErrorException;

    public static native int geteuid();

    public static native int getpid();

    public static native long sysconf(int name);

    public static native String strerror(int errno);
}
