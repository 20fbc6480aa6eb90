package io.ktap.trace;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a session runs: which process, command and CPU to trace, the resource limits, and the
 * script's arguments. Immutable; every setter returns a new instance.
 *
 * <pre>{@code
 * TraceOptions options = TraceOptions.defaults()
 *         .pid(1234)
 *         .limits(Limits.defaults().handlerInstructions(10_000))
 *         .scriptArgs("count.kp", List.of("10", "openat"));
 * }</pre>
 *
 * @param pid        trace only this process ({@code -p PID}), or empty for every process
 * @param command    a command to run and trace ({@code -- CMD}), or empty: the backend starts it
 *                   held before its {@code exec}, traces it (and the children it forks) from that
 *                   {@code exec} on, and ends the session when they have all exited; never
 *                   together with {@code pid}
 * @param cpu        trace only this CPU ({@code -C CPU}), or empty for every CPU
 * @param limits     run-time limits
 * @param scriptName the script's name, {@code arg[0]} and the file named in error records
 * @param scriptArgs the script's arguments, {@code arg[1]}... (numbers when they parse as one)
 */
public record TraceOptions(OptionalInt pid, List<String> command, OptionalInt cpu, Limits limits,
        String scriptName, List<String> scriptArgs) {

    private static final TraceOptions DEFAULTS = new TraceOptions(OptionalInt.empty(), List.of(),
            OptionalInt.empty(), Limits.defaults(), "", List.of());

    public TraceOptions {
        Objects.requireNonNull(pid, "pid");
        command = List.copyOf(command);
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(scriptName, "scriptName");
        scriptArgs = List.copyOf(scriptArgs);
        if (pid.isPresent() && pid.getAsInt() < 0) {
            throw new IllegalArgumentException("pid must not be negative: " + pid.getAsInt());
        }
        if (pid.isPresent() && !command.isEmpty()) {
            throw new IllegalArgumentException("a pid and a command cannot both be traced");
        }
        if (cpu.isPresent() && cpu.getAsInt() < 0) {
            throw new IllegalArgumentException("cpu must not be negative: " + cpu.getAsInt());
        }
    }

    /** Every process, every CPU, {@link Limits#defaults()}, no arguments. */
    public static TraceOptions defaults() {
        return DEFAULTS;
    }

    public TraceOptions pid(int pid) {
        return new TraceOptions(OptionalInt.of(pid), command, cpu, limits, scriptName, scriptArgs);
    }

    /** Runs {@code argv} and traces it from its {@code exec} on; see the class comment. */
    public TraceOptions command(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least its program");
        }
        return new TraceOptions(pid, argv, cpu, limits, scriptName, scriptArgs);
    }

    /** Whether a command is to be run and traced. */
    public boolean hasCommand() {
        return !command.isEmpty();
    }

    public TraceOptions cpu(int cpu) {
        return new TraceOptions(pid, command, OptionalInt.of(cpu), limits, scriptName, scriptArgs);
    }

    public TraceOptions limits(Limits limits) {
        return new TraceOptions(pid, command, cpu, limits, scriptName, scriptArgs);
    }

    /** The script's name ({@code arg[0]}) and its arguments ({@code arg[1]}...). */
    public TraceOptions scriptArgs(String scriptName, List<String> args) {
        return new TraceOptions(pid, command, cpu, limits, scriptName, args);
    }
}
