package io.ktap.examples;

import static io.ktap.api.Ktap.*;

import io.ktap.api.Ktap;
import io.ktap.ast.Program;
import io.ktap.trace.TraceProgram;

/**
 * Top syscalls by process: counts {@code raw_syscalls:sys_enter} by process name and prints the
 * busiest processes as a histogram when tracing ends. The script is
 * {@code scripts/syscalls-by-process.kp}.
 */
public final class SyscallsByProcess {

    private SyscallsByProcess() {
    }

    /** The program, as {@code syscalls-by-process.kp} reads. */
    public static Program program() {
        return Ktap.program()
                .var("calls", table())
                .trace("raw_syscalls:sys_enter", h -> h.add(index(name("calls"), execname()), 1))
                .traceEnd(h -> h.histogram(name("calls")))
                .build();
    }

    /** Runs it on this host until Ctrl-C. */
    public static void main(String[] args) {
        System.exit(Runner.run("syscalls-by-process", args, TraceProgram.of(program()), s -> { }));
    }
}
