package io.ktap.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Parses a {@code ktap} command line, by hand and without dependencies:
 *
 * <pre>
 * ktap [options] script.kp [args...] [-- CMD [args...]]
 * ktap [options] -e 'PROGRAM' [args...] [-- CMD [args...]]
 * ktap -le [GLOB]
 * </pre>
 *
 * <p>Options come first and are not clustered ({@code -q -v}, not {@code -qv}); the first argument
 * that is not an option is the script, and every argument after it, up to {@code --}, is the
 * script's (so {@code ktap s.kp -v} hands {@code -v} to the script). Long options take their value
 * as the next argument or after {@code =}. A value option given twice is an error, not silently
 * overridden. Mistakes come back as an {@link Invocation.UsageError}, never as an exception.
 */
public final class CommandLineParser {

    private final List<String> args;
    private int pos;

    private ScriptSource.Inline inline;
    private Path outputFile;
    private Integer pid;
    private Integer cpu;
    private boolean timestamps;
    private boolean quiet;
    private boolean verbose;
    private boolean dryRun;
    private boolean dumpBytecode;
    private Backend backend;
    private OutputFormat format;
    private LimitOverrides limits = LimitOverrides.NONE;
    private Optional<String> listEvents;
    private final Set<String> seenValueOptions = new HashSet<>();

    private CommandLineParser(List<String> args) {
        this.args = List.copyOf(args);
    }

    /** Parses {@code args} (without the program name). */
    public static Invocation parse(List<String> args) {
        try {
            return new CommandLineParser(args).parse();
        } catch (BadUsage e) {
            return new Invocation.UsageError(e.getMessage());
        }
    }

    /** Parses {@code args} (without the program name). */
    public static Invocation parse(String... args) {
        return parse(List.of(args));
    }

    private Invocation parse() throws BadUsage {
        while (pos < args.size()) {
            String arg = args.get(pos);
            if (arg.equals("--") || !arg.startsWith("-") || arg.equals("-")) {
                break;
            }
            pos++;
            String name = arg;
            String attached = null;
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                if (eq > 0) {
                    name = arg.substring(0, eq);
                    attached = arg.substring(eq + 1);
                    if (name.equals("--help") || name.equals("--version")) {
                        throw new BadUsage("option " + name + " takes no value");
                    }
                }
            }
            switch (name) {
                case "-h", "--help" -> {
                    return new Invocation.Help();
                }
                case "-V", "--version" -> {
                    return new Invocation.Version();
                }
                case "-T" -> timestamps = true;
                case "-q" -> quiet = true;
                case "-v" -> verbose = true;
                case "-d" -> dryRun = true;
                case "-b" -> dumpBytecode = true;
                case "-e" -> inline = new ScriptSource.Inline(value(name, attached, "a program"));
                case "-o" -> outputFile = path(name, value(name, attached, "a file"));
                case "-p" -> pid = (int) number(name, value(name, attached, "a process id"), "process id", 1, Integer.MAX_VALUE);
                case "-C" -> cpu = (int) number(name, value(name, attached, "a CPU number"), "CPU number", 0, Integer.MAX_VALUE);
                case "-f", "--format" -> {
                    String f = value(name, attached, "text or json");
                    format = OutputFormat.fromOptionName(f).orElseThrow(
                            () -> new BadUsage("unknown output format '" + f + "' (expected text or json)"));
                }
                case "--backend" -> {
                    String b = value(name, attached, "auto, kernel, host or sim");
                    backend = Backend.fromOptionName(b).orElseThrow(
                            () -> new BadUsage("unknown backend '" + b + "' (expected auto, kernel, host or sim)"));
                }
                case "-le" -> {
                    once(name);
                    String glob = null;
                    if (pos < args.size() && !args.get(pos).startsWith("-")) {
                        glob = args.get(pos++);
                    }
                    listEvents = Optional.ofNullable(glob);
                }
                default -> {
                    LimitOption limit = LimitOption.fromOption(name).orElseThrow(
                            () -> new BadUsage("unknown option '" + arg + "'"));
                    limits = limits.with(limit, number(name, value(name, attached, "a count"), "count", 0, limit.max()));
                }
            }
        }
        return listEvents != null ? listEventsInvocation() : runInvocation();
    }

    private Invocation listEventsInvocation() throws BadUsage {
        if (pos < args.size() || inline != null) {
            throw new BadUsage("-le lists events and runs no program; give it at most one GLOB");
        }
        return new Invocation.ListEvents(listEvents);
    }

    private Invocation runInvocation() throws BadUsage {
        ScriptSource source = inline;
        if (source == null) {
            if (pos >= args.size() || args.get(pos).equals("--")) {
                throw new BadUsage("no program: give a script file or -e 'PROGRAM'");
            }
            source = new ScriptSource.File(path("script", args.get(pos++)));
        }
        List<String> scriptArgs = new ArrayList<>();
        while (pos < args.size() && !args.get(pos).equals("--")) {
            scriptArgs.add(args.get(pos++));
        }
        List<String> command = List.of();
        if (pos < args.size()) {
            command = args.subList(pos + 1, args.size());
            if (command.isEmpty()) {
                throw new BadUsage("-- must be followed by the command to trace");
            }
            if (pid != null) {
                throw new BadUsage("-p and -- CMD both choose the process to trace; give one of them");
            }
        }
        return new Invocation.Run(new RunOptions(
                source,
                scriptArgs,
                command,
                Optional.ofNullable(outputFile),
                pid == null ? OptionalInt.empty() : OptionalInt.of(pid),
                cpu == null ? OptionalInt.empty() : OptionalInt.of(cpu),
                timestamps,
                quiet,
                verbose,
                dryRun,
                dumpBytecode,
                backend == null ? Backend.AUTO : backend,
                format == null ? OutputFormat.TEXT : format,
                limits));
    }

    /** The value of option {@code name}: {@code attached} after '=', else the next argument. */
    private String value(String name, String attached, String what) throws BadUsage {
        once(name);
        if (attached != null) {
            return attached;
        }
        if (pos >= args.size()) {
            throw new BadUsage("option " + name + " needs " + what);
        }
        return args.get(pos++);
    }

    private void once(String name) throws BadUsage {
        if (!seenValueOptions.add(name.equals("--format") ? "-f" : name)) {
            throw new BadUsage("option " + name + " given twice");
        }
    }

    private static long number(String option, String text, String what, long min, long max) throws BadUsage {
        long n;
        try {
            n = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new BadUsage("option " + option + ": '" + text + "' is not a " + what);
        }
        if (n < min) {
            throw new BadUsage("option " + option + ": the " + what + " must be at least " + min + ", not " + n);
        }
        if (n > max) {
            throw new BadUsage("option " + option + ": the " + what + " must be at most " + max + ", not " + n);
        }
        return n;
    }

    private static Path path(String what, String text) throws BadUsage {
        if (text.isEmpty()) {
            throw new BadUsage(what + ": empty file name");
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new BadUsage(what + ": invalid file name '" + text + "'");
        }
    }

    /** A command-line mistake, turned into a {@link Invocation.UsageError} at the boundary. */
    private static final class BadUsage extends Exception {
        private static final long serialVersionUID = 1L;

        BadUsage(String message) {
            super(message, null, false, false);
        }
    }
}
