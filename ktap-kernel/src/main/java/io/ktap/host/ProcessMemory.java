package io.ktap.host;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.ktap.host.internal.LibC;
import io.ktap.host.internal.Sys;

import java.io.ByteArrayOutputStream;

/**
 * Reads another process's memory with {@code process_vm_readv(2)}: how the host backend serves
 * {@code user_string(addr)} for the process a sample came from. Reads go one page at a time, so
 * a string that ends just before an unmapped page is still read; an unreadable address (unmapped,
 * or the process has exited) gives null. Not thread-safe: one per consumer thread. Owns a small
 * native buffer; {@link #close()} frees it.
 */
final class ProcessMemory implements AutoCloseable {

    private static final int IOVEC_SIZE = 16;

    private final long pageSize;
    private final Memory buffer;
    private final Memory iovecs;

    ProcessMemory() {
        this.pageSize = LibC.sysconf(Sys.SC_PAGESIZE);
        this.buffer = new Memory(pageSize);
        this.iovecs = new Memory(2 * IOVEC_SIZE);
    }

    /**
     * The NUL-terminated string at {@code addr} in process {@code pid}, at most {@code max} bytes
     * (without the NUL), or null when the first byte cannot be read.
     */
    byte[] string(int pid, long addr, int max) {
        if (pid <= 0 || addr == 0 || max <= 0) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 64));
        long at = addr;
        while (out.size() < max) {
            long chunk = Math.min(pageSize - Long.remainderUnsigned(at, pageSize), max - out.size());
            long n = read(pid, at, chunk);
            if (n <= 0) {
                return out.size() == 0 ? null : out.toByteArray();
            }
            for (int i = 0; i < n; i++) {
                byte b = buffer.getByte(i);
                if (b == 0) {
                    return out.toByteArray();
                }
                out.write(b);
            }
            at += n;
        }
        return out.toByteArray();
    }

    private long read(int pid, long remote, long length) {
        long local = Pointer.nativeValue(iovecs);
        iovecs.setLong(0, Pointer.nativeValue(buffer));
        iovecs.setLong(8, length);
        iovecs.setLong(IOVEC_SIZE, remote);
        iovecs.setLong(IOVEC_SIZE + 8, length);
        try {
            return LibC.process_vm_readv(pid, local, 1, local + IOVEC_SIZE, 1, 0);
        } catch (LastErrorException e) {
            return -1;  // EFAULT (unmapped), ESRCH (exited), EPERM: the string cannot be read
        }
    }

    @Override
    public void close() {
        buffer.close();
        iovecs.close();
    }
}
