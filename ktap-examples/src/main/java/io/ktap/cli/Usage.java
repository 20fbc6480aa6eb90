package io.ktap.cli;

/** The text of {@code ktap -h}. */
final class Usage {

    static final String TEXT = """
            Usage: ktap [options] script.kp [args...] [-- CMD [args...]]
                   ktap [options] -e 'PROGRAM' [args...] [-- CMD [args...]]
                   ktap -le [GLOB]

            Compiles a ktap program to ktapvm bytecode and runs its handlers: in the ktapvm
            kernel module, on the host's own perf ring buffers, or on a simulated kernel.
            The script's arguments are arg[1], arg[2], ... (arg[0] is the script).

            Options:
              -e PROGRAM              run PROGRAM, given here, instead of a script file
              -o FILE                 write the output to FILE instead of standard output
              -p PID                  trace only the process PID
              -C CPU                  trace only CPU number CPU
              -T                      prefix every output record with its timestamp
              -q                      quiet: no "Tracing... Hit Ctrl-C to end." banner
              -v                      verbose: report on standard error what ktap does
              -d                      dry run: compile and check the program, run nothing
              -b                      print the program's bytecode, run nothing
              -le [GLOB]              list the host's tracepoints, or those matching GLOB
                                      (e.g. 'syscalls:*open*')
              --backend NAME          where the handlers run: kernel, host, sim, or auto (the
                                      default): the kernel module if loaded, else the host,
                                      else sim with a warning
              -f, --format FORMAT     text (the default) or json: one JSON object a line,
                                      {"type": ..., "data": ...}
              -V, --version           print the version
              -h, --help              print this help
              -- CMD [args...]        start CMD, trace it, and stop when it exits

            Limits (N = 0 lifts a limit, on the host and sim backends only):
            %s
            Exit status: 0 success, 1 runtime error, 2 usage or compile error.
            """.formatted(limitLines());

    private static String limitLines() {
        StringBuilder sb = new StringBuilder();
        for (LimitOption l : LimitOption.values()) {
            String left = "  " + l.option() + " N";
            sb.append(left).append(" ".repeat(Math.max(1, 32 - left.length()))).append(l.description()).append('\n');
        }
        return sb.toString();
    }

    private Usage() {
    }
}
