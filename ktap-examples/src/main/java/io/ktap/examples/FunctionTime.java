package io.ktap.examples;

import static io.ktap.api.Ktap.*;

import io.ktap.api.Ktap;
import io.ktap.api.Probes;
import io.ktap.ast.Program;
import io.ktap.trace.TraceProgram;
import io.ktap.trace.TraceSession;
import java.io.PrintStream;

/**
 * Function timing with an entry and a return probe: how long each call of libc's
 * {@code getaddrinfo} takes, per thread, as a {@link Latency} record. It uses uprobes, which work
 * without the ktap module and on kernels without kprobes; {@code scripts/function-time-kprobe.kp}
 * times a kernel function ({@code vfs_read}) the same way with a kprobe and a kretprobe. The script
 * is {@code scripts/function-time.kp}.
 */
public final class FunctionTime {

    /**
     * One call that returned.
     *
     * @param pid    the process id
     * @param comm   the process name
     * @param micros the time from entry to return, in microseconds
     */
    public record Latency(long pid, String comm, long micros) {

        /** The line {@link #main} prints. */
        public String line() {
            return String.format("%-7d %-16s %8d us", pid, comm, micros);
        }
    }

    private FunctionTime() {
    }

    /** The program, as {@code function-time.kp} reads. */
    public static Program program() {
        var started = index(name("started"), tid());
        return Ktap.program()
                .var("started", table())
                .trace(Probes.uprobe(MallocHistogram.LIBC, "getaddrinfo"), h -> h.set(started, gettimeofdayUs()))
                .trace(Probes.uretprobe(MallocHistogram.LIBC, "getaddrinfo"), h -> h.when(ne(started, nil()), b -> b
                        .emit(Latency.class, pid(), execname(), minus(gettimeofdayUs(), started))
                        .set(started, nil())))
                .build();
    }

    /** The program with its record type declared, so that its records decode into {@link Latency}. */
    public static TraceProgram traceProgram() {
        return TraceProgram.of(program()).withRecords(Latency.class);
    }

    /** Prints a line for each call as it returns. */
    public static void printTo(TraceSession session, PrintStream out) {
        session.onRecord(Latency.class, e -> out.println(e.line()));
    }

    /** Runs it on this host until Ctrl-C. */
    public static void main(String[] args) {
        System.exit(Runner.run("function-time", args, traceProgram(), s -> printTo(s, System.out)));
    }
}
