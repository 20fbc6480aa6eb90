package io.ktap.cli;

/** The exit statuses of the {@code ktap} command, the same for every backend. */
public final class ExitStatus {

    /** The program ran (or was listed, checked or dumped) and ended normally. */
    public static final int OK = 0;

    /**
     * The program compiled but failed while running: a runtime error in a handler, an output file
     * that cannot be written, or a backend that cannot run on this host.
     */
    public static final int RUNTIME_ERROR = 1;

    /** The command line or the program is wrong: a usage error or compile diagnostics. */
    public static final int USAGE = 2;

    private ExitStatus() {
    }
}
