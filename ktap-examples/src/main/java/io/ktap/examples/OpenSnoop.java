package io.ktap.examples;

import static io.ktap.api.Ktap.arg;
import static io.ktap.api.Ktap.execname;
import static io.ktap.api.Ktap.pid;
import static io.ktap.api.Ktap.userString;

import io.ktap.api.Ktap;
import io.ktap.ast.Program;
import io.ktap.trace.Backends;
import io.ktap.trace.TraceProgram;
import io.ktap.trace.TraceSession;

/**
 * opensnoop with typed records: every {@code openat} on the host arrives as an {@link OpenEvent},
 * decoded through its canonical constructor. The fluent program below is the AST of
 * {@link #SCRIPT}.
 *
 * <p>Run it with {@code java -cp ... io.ktap.examples.OpenSnoop} as root (the {@code auto} backend:
 * the kernel module if loaded, else the host's perf rings); Ctrl-C ends it.
 */
public final class OpenSnoop {

    /** One {@code openat}: who opened which path. */
    public record OpenEvent(long pid, String comm, String path) {
    }

    /** The same program as a ktap script. */
    public static final String SCRIPT = """
            trace syscalls:sys_enter_openat {
                emit("OpenEvent", pid(), execname(), user_string(arg3))
            }
            """;

    private OpenSnoop() {
    }

    /** The program, built with the fluent API. */
    public static Program program() {
        return Ktap.program()
                .trace("syscalls:sys_enter_openat", h -> h.emit(OpenEvent.class, pid(), execname(), userString(arg(3))))
                .build();
    }

    /** The program with its record type declared, ready to load on any backend. */
    public static TraceProgram.Source traceProgram() {
        return TraceProgram.of(program()).withRecords(OpenEvent.class);
    }

    public static void main(String[] args) throws InterruptedException {
        TraceSession session = Backends.auto().open(traceProgram());
        Runtime.getRuntime().addShutdownHook(new Thread(session::close));
        session.onRecord(OpenEvent.class, e -> System.out.printf("%7d %-16s %s%n", e.pid(), e.comm(), e.path()))
                .onError(e -> System.err.print(e.text()))
                .onLost(l -> System.err.print(l.text()));
        System.out.printf("%7s %-16s %s%n", "PID", "COMM", "PATH");
        session.startAsync();
        session.awaitTermination();
    }
}
