package io.ktap.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything a {@code ktap} run was asked to do, as parsed from its command line.
 *
 * @param source       the program
 * @param scriptArgs   the arguments after the script ({@code arg[1]}, {@code arg[2]}, ...)
 * @param command      the workload after {@code --} to start and trace, or empty
 * @param outputFile   {@code -o FILE}: where records go instead of standard output
 * @param pid          {@code -p PID}: trace this process only
 * @param cpu          {@code -C CPU}: trace this CPU only
 * @param timestamps   {@code -T}: prefix each output record with its timestamp
 * @param quiet        {@code -q}: no "Tracing..." banner
 * @param verbose      {@code -v}: report what ktap does on standard error
 * @param dryRun       {@code -d}: compile and check the program, report, and stop
 * @param dumpBytecode {@code -b}: print the compiled chunk, and stop
 * @param backend      {@code --backend}: where the handlers run
 * @param format       {@code -f}: text or JSON records
 * @param limits       {@code --max-*}: resource limits overriding the backend's defaults
 */
public record RunOptions(
        ScriptSource source,
        List<String> scriptArgs,
        List<String> command,
        Optional<Path> outputFile,
        OptionalInt pid,
        OptionalInt cpu,
        boolean timestamps,
        boolean quiet,
        boolean verbose,
        boolean dryRun,
        boolean dumpBytecode,
        Backend backend,
        OutputFormat format,
        LimitOverrides limits) {

    public RunOptions {
        Objects.requireNonNull(source, "source");
        scriptArgs = List.copyOf(scriptArgs);
        command = List.copyOf(command);
        Objects.requireNonNull(outputFile, "outputFile");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(limits, "limits");
    }

    /** Whether the run stops after compiling ({@code -d} or {@code -b}). */
    public boolean compileOnly() {
        return dryRun || dumpBytecode;
    }
}
