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
              --backend NAME          where the handlers run: auto (the default: the kernel
                                      module if loaded, else the host), kernel, host or sim
              -f, --format FORMAT     text (the default) or json: one JSON object a line,
                                      {"type": ..., "data": ...}
              --max-instructions N    instructions one handler run may execute
                                      (0: unlimited, on the host and sim backends only)
              --max-call-depth N      calls one handler run may nest
              --max-string-bytes N    bytes in one string
              --max-table-entries N   entries in one table
              -V, --version           print the version
              -h, --help              print this help
              -- CMD [args...]        start CMD, trace it, and stop when it exits

            Exit status: 0 success, 1 runtime error, 2 usage or compile error.
            """;

    private Usage() {
    }
}
