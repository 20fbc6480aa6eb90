package io.ktap.examples;

import static io.ktap.api.Ktap.*;

import io.ktap.api.Ktap;
import io.ktap.ast.Program;
import io.ktap.trace.TraceProgram;
import io.ktap.trace.TraceSession;
import java.io.PrintStream;

/**
 * opensnoop: every file opened ({@code openat}), with the process, the result and the path. The
 * path is read at syscall entry and reported at exit as an {@link OpenEvent} record. The script is
 * {@code scripts/opensnoop.kp}.
 */
public final class OpenSnoop {

    /**
     * One {@code openat} call.
     *
     * @param pid  the process id
     * @param comm the process name
     * @param ret  the file descriptor opened, or a negative errno
     * @param path the path opened
     */
    public record OpenEvent(long pid, String comm, long ret, String path) {

        /** The line {@link #main} prints: pid, name, result and path in columns. */
        public String line() {
            return String.format("%-7d %-16s %4d %s", pid, comm, ret, path);
        }
    }

    /** The column headings of {@link OpenEvent#line()}. */
    public static final String HEADER = String.format("%-7s %-16s %4s %s", "PID", "COMM", "FD", "PATH");

    private OpenSnoop() {
    }

    /** The program, as {@code opensnoop.kp} reads. */
    public static Program program() {
        var path = index(name("paths"), tid());
        return Ktap.program()
                .var("paths", table())
                .trace("syscalls:sys_enter_openat", h -> h.set(path, userString(arg(3))))
                .trace("syscalls:sys_exit_openat", h -> h.when(ne(path, nil()), b -> b
                        .emit(OpenEvent.class, pid(), execname(), arg(2), path)
                        .set(path, nil())))
                .build();
    }

    /** The program with its record type declared, so that its records decode into {@link OpenEvent}. */
    public static TraceProgram traceProgram() {
        return TraceProgram.of(program()).withRecords(OpenEvent.class);
    }

    /** Prints the heading, then a line for each open as it arrives. */
    public static void printTo(TraceSession session, PrintStream out) {
        out.println(HEADER);
        session.onRecord(OpenEvent.class, e -> out.println(e.line()));
    }

    /** Runs it on this host until Ctrl-C. */
    public static void main(String[] args) {
        System.exit(Runner.run("opensnoop", args, traceProgram(), s -> printTo(s, System.out)));
    }
}
