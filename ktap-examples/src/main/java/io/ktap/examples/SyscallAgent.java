package io.ktap.examples;

import static io.ktap.api.Ktap.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ktap.api.Ktap;
import io.ktap.ast.Program;
import io.ktap.trace.TraceProgram;
import io.ktap.trace.TraceSession;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * A monitoring agent: counts system calls by name and every second exports that second's counts as
 * {@link SyscallCount} records, which a Java consumer writes as JSON lines (one object per line, as
 * log shippers and collectors read them). The script is {@code scripts/syscall-agent.kp}.
 */
public final class SyscallAgent {

    /**
     * The number of calls of one system call in one interval.
     *
     * @param interval the interval, counted from 1 (one per second)
     * @param syscall  the event name ({@code sys_enter_read})
     * @param count    the calls in that interval
     */
    public record SyscallCount(long interval, String syscall, long count) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private SyscallAgent() {
    }

    /** The program, as {@code syscall-agent.kp} reads. */
    public static Program program() {
        return Ktap.program()
                .var("counts", table())
                .var("interval", 0)
                .trace("syscalls:sys_enter_*", h -> h.add(index(name("counts"), argname()), 1))
                .tick(Duration.ofSeconds(1), h -> h
                        .add(name("interval"), 1)
                        .forPairs("syscall", "n", name("counts"), b -> b
                                .emit(SyscallCount.class, name("interval"), name("syscall"), name("n")))
                        .set("counts", table()))
                .build();
    }

    /** The program with its record type declared, so that its records decode into {@link SyscallCount}. */
    public static TraceProgram traceProgram() {
        return TraceProgram.of(program()).withRecords(SyscallCount.class);
    }

    /** The JSON line of one count: {@code {"interval":1,"syscall":"sys_enter_read","count":3}}. */
    public static String jsonLine(SyscallCount count) {
        try {
            return JSON.writeValueAsString(count);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes each count as a JSON line as it arrives, flushed so a collector sees it at once. */
    public static void exportTo(TraceSession session, PrintStream out) {
        session.onRecord(SyscallCount.class, c -> {
            out.println(jsonLine(c));
            out.flush();
        });
    }

    /** Runs it on this host until Ctrl-C, writing JSON lines to standard output. */
    public static void main(String[] args) {
        System.exit(Runner.run("syscall-agent", args, traceProgram(), s -> exportTo(s, System.out)));
    }
}
