package io.ktap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import io.ktap.trace.Limits;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandLineParserTest {

    private static RunOptions run(String... args) {
        Invocation i = CommandLineParser.parse(args);
        return assertInstanceOf(Invocation.Run.class, i, () -> "parsed as " + i).options();
    }

    private static String usageError(String... args) {
        Invocation i = CommandLineParser.parse(args);
        return assertInstanceOf(Invocation.UsageError.class, i, () -> "parsed as " + i).message();
    }

    @Test
    void aScriptAloneRunsWithTheDefaults() {
        RunOptions o = run("trace.kp");
        assertEquals(new ScriptSource.File(Path.of("trace.kp")), o.source());
        assertEquals(List.of(), o.scriptArgs());
        assertEquals(List.of(), o.command());
        assertEquals(Optional.empty(), o.outputFile());
        assertEquals(OptionalInt.empty(), o.pid());
        assertEquals(OptionalInt.empty(), o.cpu());
        assertEquals(Backend.AUTO, o.backend());
        assertEquals(OutputFormat.TEXT, o.format());
        assertEquals(LimitOverrides.NONE, o.limits());
        assertFalse(o.timestamps() || o.quiet() || o.verbose() || o.dryRun() || o.dumpBytecode());
        assertFalse(o.compileOnly());
    }

    @Test
    void argumentsAfterTheScriptAreTheScriptsUpToTheCommand() {
        RunOptions o = run("-q", "hist.kp", "10", "-v", "x y", "--", "ls", "-l", "--", "/tmp");
        assertEquals(List.of("10", "-v", "x y"), o.scriptArgs());
        assertEquals(List.of("ls", "-l", "--", "/tmp"), o.command());
        assertTrue(o.quiet());
        assertFalse(o.verbose(), "-v after the script is the script's argument");
    }

    @Test
    void anInlineProgramTakesEveryPositionalArgumentAsAScriptArgument() {
        RunOptions o = run("-e", "print(arg[1])", "hello.kp", "2", "--", "sleep", "1");
        assertEquals(new ScriptSource.Inline("print(arg[1])"), o.source());
        assertEquals("-e", o.source().displayName());
        assertEquals(List.of("hello.kp", "2"), o.scriptArgs());
        assertEquals(List.of("sleep", "1"), o.command());
    }

    @Test
    void anInlineProgramMayStartWithADash() {
        assertEquals(new ScriptSource.Inline("-- a comment"), run("-e", "-- a comment").source());
    }

    @Test
    void everyOptionOfTheOriginalKtap() {
        RunOptions o = run("-o", "out.txt", "-p", "1234", "-C", "3", "-T", "-q", "-v", "-d", "-b", "s.kp");
        assertEquals(Optional.of(Path.of("out.txt")), o.outputFile());
        assertEquals(OptionalInt.of(1234), o.pid());
        assertEquals(OptionalInt.of(3), o.cpu());
        assertTrue(o.timestamps() && o.quiet() && o.verbose() && o.dryRun() && o.dumpBytecode());
        assertTrue(o.compileOnly());
    }

    @Test
    void longOptionsTakeTheirValueNextOrAfterAnEqualsSign() {
        RunOptions a = run("--backend", "sim", "-f", "json", "s.kp");
        RunOptions b = run("--backend=sim", "--format=json", "s.kp");
        assertEquals(Backend.SIM, a.backend());
        assertEquals(OutputFormat.JSON, a.format());
        assertEquals(a, b);
    }

    @Test
    void everyBackendName() {
        for (Backend backend : Backend.values()) {
            assertEquals(backend, run("--backend", backend.optionName(), "s.kp").backend());
        }
    }

    @Test
    void limits() {
        RunOptions o = run("--max-instructions", "0", "--max-call-depth=50", "--max-string-bytes", "511",
                "--max-table-entries", "10000", "--max-handler-instructions", "7", "--max-main-instructions", "8",
                "--max-stack-slots", "9", "--max-tables", "10", "--max-string-pool-bytes", "11", "--max-closures", "12",
                "s.kp");
        assertEquals(Map.of(LimitOption.INSTRUCTIONS, 0L, LimitOption.CALL_DEPTH, 50L, LimitOption.STRING_BYTES, 511L,
                LimitOption.TABLE_ENTRIES, 10000L, LimitOption.HANDLER_INSTRUCTIONS, 7L,
                LimitOption.MAIN_INSTRUCTIONS, 8L, LimitOption.STACK_SLOTS, 9L, LimitOption.TABLES, 10L,
                LimitOption.STRING_POOL_BYTES, 11L, LimitOption.CLOSURES, 12L), o.limits().values());
        assertEquals(new Limits(7, 8, 50, 9, 511, 10, 10000, 11, 12), o.limits().applyTo(Limits.defaults()));
    }

    @Test
    void everyLimitHasAnOptionAndTheGeneralInstructionBudgetIsRefinedByTheSpecificOnes() {
        assertEquals(Limits.defaults().instructions(5).mainInstructions(9),
                run("--max-main-instructions", "9", "--max-instructions", "5", "s.kp").limits().applyTo(Limits.defaults()));
        for (LimitOption l : LimitOption.values()) {
            assertEquals(Map.of(l, 0L), run(l.option(), "0", "s.kp").limits().values());
            assertTrue(run(l.option(), "0", "s.kp").limits().applyTo(Limits.defaults()).hasUnlimited(), l.option());
        }
    }

    @Test
    void helpAndVersionWinWhereverTheyAppearAmongTheOptions() {
        assertInstanceOf(Invocation.Help.class, CommandLineParser.parse("-q", "-h"));
        assertInstanceOf(Invocation.Help.class, CommandLineParser.parse("--help", "-x"));
        assertInstanceOf(Invocation.Version.class, CommandLineParser.parse("-V"));
        assertInstanceOf(Invocation.Version.class, CommandLineParser.parse("--version"));
    }

    @Test
    void helpAfterTheScriptIsTheScriptsArgument() {
        assertEquals(List.of("-h"), run("s.kp", "-h").scriptArgs());
    }

    @Test
    void listEventsWithAndWithoutAGlob() {
        assertEquals(new Invocation.ListEvents(Optional.empty()), CommandLineParser.parse("-le"));
        assertEquals(new Invocation.ListEvents(Optional.of("syscalls:*")), CommandLineParser.parse("-le", "syscalls:*"));
        assertEquals(new Invocation.ListEvents(Optional.of("sched:*")), CommandLineParser.parse("-q", "-le", "sched:*", "-v"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "                                  | no program: give a script file or -e 'PROGRAM'",
        "-q                                | no program: give a script file or -e 'PROGRAM'",
        "-- ls                             | no program: give a script file or -e 'PROGRAM'",
        "-x s.kp                           | unknown option '-x'",
        "-qv s.kp                          | unknown option '-qv'",
        "--verbose s.kp                    | unknown option '--verbose'",
        "--nope=1 s.kp                     | unknown option '--nope=1'",
        "--help=yes                        | option --help takes no value",
        "-p                                | option -p needs a process id",
        "-o                                | option -o needs a file",
        "-e                                | option -e needs a program",
        "--backend                         | option --backend needs auto, kernel, host or sim",
        "-p abc s.kp                       | option -p: 'abc' is not a process id",
        "-p 0 s.kp                         | option -p: the process id must be at least 1, not 0",
        "-p -5 s.kp                        | option -p: the process id must be at least 1, not -5",
        "-p 99999999999 s.kp               | option -p: the process id must be at most 2147483647, not 99999999999",
        "-C -1 s.kp                        | option -C: the CPU number must be at least 0, not -1",
        "-C 1x s.kp                        | option -C: '1x' is not a CPU number",
        "--backend bpf s.kp                | unknown backend 'bpf' (expected auto, kernel, host or sim)",
        "--backend= s.kp                   | unknown backend '' (expected auto, kernel, host or sim)",
        "-f yaml s.kp                      | unknown output format 'yaml' (expected text or json)",
        "--max-instructions -1 s.kp        | option --max-instructions: the count must be at least 0, not -1",
        "--max-call-depth x s.kp           | option --max-call-depth: 'x' is not a count",
        "--max-closures                    | option --max-closures needs a count",
        "--max-tables 1 --max-tables 2 s.kp | option --max-tables given twice",
        "--max-table-entries 3000000000 s.kp | option --max-table-entries: the count must be at most 2147483647, not 3000000000",
        "-e a -e b                         | option -e given twice",
        "-o a -o b s.kp                    | option -o given twice",
        "-f json --format text s.kp        | option --format given twice",
        "-p 1 -p 2 s.kp                    | option -p given twice",
        "s.kp a --                         | -- must be followed by the command to trace",
        "-p 42 s.kp -- ls                  | -p and -- CMD both choose the process to trace; give one of them",
        "-le a b                           | -le lists events and runs no program; give it at most one GLOB",
        "-e x -le                          | -le lists events and runs no program; give it at most one GLOB",
        "-le -le                           | option -le given twice",
    })
    void usageErrorsSayWhatIsWrong(String line, String message) {
        String[] args = line == null ? new String[0] : line.trim().split("\\s+");
        assertEquals(message, usageError(args));
    }

    @Test
    void anEmptyScriptNameIsAUsageError() {
        assertEquals("script: empty file name", usageError(""));
    }
}
