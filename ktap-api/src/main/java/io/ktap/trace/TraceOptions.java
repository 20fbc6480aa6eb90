package io.ktap.trace;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a session runs: which process and CPU to trace, the resource limits, and the script's
 * arguments. Immutable; every setter returns a new instance.
 *
 * <pre>{@code
 * TraceOptions options = TraceOptions.defaults()
 *         .pid(1234)
 *         .limits(Limits.defaults().handlerInstructions(10_000))
 *         .scriptArgs("count.kp", List.of("10", "openat"));
 * }</pre>
 *
 * @param pid        trace only this process ({@code -p PID}), or empty for every process
 * @param cpu        trace only this CPU ({@code -C CPU}), or empty for every CPU
 * @param limits     run-time limits
 * @param scriptName the script's name, {@code arg[0]} and the file named in error records
 * @param scriptArgs the script's arguments, {@code arg[1]}... (numbers when they parse as one)
 */
public record TraceOptions(OptionalInt pid, OptionalInt cpu, Limits limits, String scriptName,
        List<String> scriptArgs) {

    private static final TraceOptions DEFAULTS =
            new TraceOptions(OptionalInt.empty(), OptionalInt.empty(), Limits.defaults(), "", List.of());

    public TraceOptions {
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(scriptName, "scriptName");
        scriptArgs = List.copyOf(scriptArgs);
        if (pid.isPresent() && pid.getAsInt() < 0) {
            throw new IllegalArgumentException("pid must not be negative: " + pid.getAsInt());
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
        return new TraceOptions(OptionalInt.of(pid), cpu, limits, scriptName, scriptArgs);
    }

    public TraceOptions cpu(int cpu) {
        return new TraceOptions(pid, OptionalInt.of(cpu), limits, scriptName, scriptArgs);
    }

    public TraceOptions limits(Limits limits) {
        return new TraceOptions(pid, cpu, limits, scriptName, scriptArgs);
    }

    /** The script's name ({@code arg[0]}) and its arguments ({@code arg[1]}...). */
    public TraceOptions scriptArgs(String scriptName, List<String> args) {
        return new TraceOptions(pid, cpu, limits, scriptName, args);
    }
}
