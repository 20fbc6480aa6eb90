package io.ktap.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The command after {@code --}: started before tracing so that its pid is known, but held at a
 * gate (a FIFO its shell opens before {@code exec}ing the command) until the probes are attached,
 * so that tracing sees it from its first instruction. The process keeps its pid across the
 * {@code exec}, and inherits ktap's standard streams.
 */
final class Workload implements AutoCloseable {

    private final Process process;
    private final Path gateDir;
    private final Path gate;
    private boolean released;

    private Workload(Process process, Path gateDir, Path gate) {
        this.process = process;
        this.gateDir = gateDir;
        this.gate = gate;
    }

    /** Starts {@code command} held at its gate. */
    static Workload spawn(List<String> command) throws IOException {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        Path dir = Files.createTempDirectory("ktap-workload");
        Path gate = dir.resolve("gate");
        try {
            Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", gate.toString()).inheritIO().start();
            if (mkfifo.waitFor() != 0) {
                throw new IOException("mkfifo " + gate + " failed");
            }
            List<String> argv = new ArrayList<>();
            argv.add("/bin/sh");
            argv.add("-c");
            // Block until ktap opens the gate for writing, then become the command (same pid).
            argv.add("read _ < \"$0\" || exit 127; exec \"$@\"");
            argv.add(gate.toString());
            argv.addAll(command);
            Process p = new ProcessBuilder(argv).inheritIO().start();
            return new Workload(p, dir, gate);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteQuietly(gate, dir);
            throw new IOException("interrupted while starting " + command.get(0), e);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(gate, dir);
            throw e;
        }
    }

    /** The workload's pid, the one to trace: it keeps it when the shell execs the command. */
    long pid() {
        return process.pid();
    }

    /** Lets the command run. */
    void release() throws IOException {
        if (released) {
            return;
        }
        released = true;
        if (!process.isAlive()) {
            throw new IOException("the command exited before tracing started (status " + process.exitValue() + ")");
        }
        try (OutputStream out = Files.newOutputStream(gate)) {
            out.write('\n');
        }
    }

    /** Waits for the command to exit and returns its exit status. */
    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** Kills the command if it still runs (it never got past the gate, or tracing failed). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
        }
        deleteQuietly(gate, gateDir);
    }

    private static void deleteQuietly(Path... paths) {
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // A leftover empty temp file or directory is harmless.
            }
        }
    }
}
