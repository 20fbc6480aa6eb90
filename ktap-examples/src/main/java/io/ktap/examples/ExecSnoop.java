package io.ktap.examples;

import static io.ktap.api.Ktap.*;

import io.ktap.api.Ktap;
import io.ktap.ast.Program;
import io.ktap.trace.TraceProgram;
import io.ktap.trace.TraceSession;
import java.io.PrintStream;

/**
 * execsnoop: every program executed, as an {@link ExecEvent} record. The script is
 * {@code scripts/execsnoop.kp}.
 */
public final class ExecSnoop {

    /**
     * One successful exec.
     *
     * @param pid      the process id
     * @param comm     the process name (the kernel sets it from the new program's file name)
     * @param filename the file executed, as passed to execve
     */
    public record ExecEvent(long pid, String comm, String filename) {

        /** The line {@link #main} prints. */
        public String line() {
            return String.format("%-7d %-16s %s", pid, comm, filename);
        }
    }

    /** The column headings of {@link ExecEvent#line()}. */
    public static final String HEADER = String.format("%-7s %-16s %s", "PID", "COMM", "FILENAME");

    private ExecSnoop() {
    }

    /** The program, as {@code execsnoop.kp} reads. */
    public static Program program() {
        return Ktap.program()
                .trace("sched:sched_process_exec", h -> h.emit(ExecEvent.class, pid(), execname(), arg(1)))
                .build();
    }

    /** The program with its record type declared, so that its records decode into {@link ExecEvent}. */
    public static TraceProgram traceProgram() {
        return TraceProgram.of(program()).withRecords(ExecEvent.class);
    }

    /** Prints the heading, then a line for each exec as it arrives. */
    public static void printTo(TraceSession session, PrintStream out) {
        out.println(HEADER);
        session.onRecord(ExecEvent.class, e -> out.println(e.line()));
    }

    /** Runs it on this host until Ctrl-C. */
    public static void main(String[] args) {
        System.exit(Runner.run("execsnoop", args, traceProgram(), s -> printTo(s, System.out)));
    }
}
