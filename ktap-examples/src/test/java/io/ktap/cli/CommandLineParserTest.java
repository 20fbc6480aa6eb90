package io.ktap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
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
                "--max-table-entries", "10000", "s.kp");
        assertEquals(new LimitOverrides(OptionalLong.of(0), OptionalLong.of(50), OptionalLong.of(511),
                OptionalLong.of(10000)), o.limits());
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
        "--max-call-depth 0 s.kp           | option --max-call-depth: the depth must be at least 1, not 0",
        "--max-string-bytes 0 s.kp         | option --max-string-bytes: the size must be at least 1, not 0",
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
