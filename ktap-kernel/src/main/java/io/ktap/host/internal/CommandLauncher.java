package io.ktap.host.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.ktap.host.HostException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a command held at a barrier before it execs, so that a tracer can attach to its pid and
 * miss nothing: the command runs as {@code /bin/sh -c 'read _ < FIFO && exec "$@"' FIFO CMD...};
 * the shell blocks reading a FIFO until {@link #release()} writes a line to it, then execs CMD in
 * the same process (same pid). Events attached with {@code enable_on_exec} start counting exactly
 * at that exec, so nothing of the shell itself is seen either.
 *
 * <p>We hold the FIFO open read-write from before the start: the shell's open never blocks, a
 * line written before the shell reads stays in the pipe, and closing our end before release
 * makes the shell read EOF and exit without running CMD.
 */
public final class CommandLauncher implements AutoCloseable {
    private static final String SCRIPT = "read _ < \"$0\" && exec \"$@\"";

    private final Path dir;
    private final Path fifo;
    private final Process process;
    private int fd;
    private boolean released;

    private CommandLauncher(Path dir, Path fifo, int fd, Process process) {
        this.dir = dir;
        this.fifo = fifo;
        this.fd = fd;
        this.process = process;
    }

    /**
     * Starts {@code builder}'s command held at the barrier; the builder's directory, environment
     * and redirections apply (the builder itself is not modified).
     */
    public static CommandLauncher start(ProcessBuilder builder) throws HostException {
        if (builder.command().isEmpty()) {
            throw new HostException("no command to run");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("ktap-cmd");
        } catch (IOException e) {
            throw new HostException("cannot create a directory for the start barrier: " + e.getMessage(), e);
        }
        Path fifo = dir.resolve("barrier");
        int fd = -1;
        try {
            LibC.mkfifo(fifo.toString(), 0600);
            fd = LibC.open(fifo.toString(), Sys.O_RDWR | Sys.O_CLOEXEC | Sys.O_NONBLOCK, 0);
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", SCRIPT, fifo.toString()));
            command.addAll(builder.command());
            ProcessBuilder held = new ProcessBuilder(command)
                    .directory(builder.directory())
                    .redirectInput(builder.redirectInput())
                    .redirectOutput(builder.redirectOutput())
                    .redirectError(builder.redirectError())
                    .redirectErrorStream(builder.redirectErrorStream());
            held.environment().clear();
            held.environment().putAll(builder.environment());
            return new CommandLauncher(dir, fifo, fd, held.start());
        } catch (LastErrorException e) {
            cleanup(fd, fifo, dir);
            throw new HostException("cannot create the start barrier " + fifo + ": " + Errno.describe(e.getErrorCode()),
                    e.getErrorCode(), e);
        } catch (IOException e) {
            cleanup(fd, fifo, dir);
            throw new HostException("cannot start " + builder.command() + ": " + e.getMessage(), e);
        }
    }

    /** The held process; its pid is the command's pid once released. */
    public Process process() {
        return process;
    }

    public synchronized boolean isReleased() {
        return released;
    }

    /** Lets the command exec. Idempotent. */
    public synchronized void release() throws HostException {
        if (released) {
            return;
        }
        if (fd < 0) {
            throw new IllegalStateException("launcher closed");
        }
        try (Memory line = new Memory(1)) {
            line.setByte(0, (byte) '\n');
            LibC.write(fd, Pointer.nativeValue(line), 1);
            released = true;
        } catch (LastErrorException e) {
            throw new HostException("cannot release the command: " + Errno.describe(e.getErrorCode()), e.getErrorCode(), e);
        }
    }

    /**
     * Closes the barrier. A command never released is killed (it has not run any of CMD); a
     * released one keeps running.
     */
    @Override
    public synchronized void close() {
        if (fd >= 0 && !released) {
            process.destroyForcibly();
        }
        cleanup(fd, fifo, dir);
        fd = -1;
    }

    private static void cleanup(int fd, Path fifo, Path dir) {
        Sys.closeQuietly(fd);
        try {
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // A leftover empty temp directory is harmless.
        }
    }
}
