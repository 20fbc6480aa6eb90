package io.ktap.cli;

import io.ktap.trace.AbstractTraceSession;
import io.ktap.trace.TraceBackend;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import io.ktap.trace.TraceProgram;
import io.ktap.trace.TraceSession;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * The command with a live-looking backend that traces until it is closed, run in its own JVM by
 * {@link InterruptTest} so that a real SIGINT can reach it. Closing delivers one line, standing
 * for the end block's output.
 */
public final class InterruptibleMain {

    static final String END_OUTPUT = "end block ran\n";

    private InterruptibleMain() {
    }

    public static void main(String[] args) {
        TraceBackend untilClosed = new TraceBackend() {
            @Override
            public String name() {
                return "host";
            }

            @Override
            public boolean isAvailable() {
                return true;
            }

            @Override
            public Optional<String> unavailabilityCause() {
                return Optional.empty();
            }

            @Override
            public TraceSession open(TraceProgram program, TraceOptions options) {
                return new AbstractTraceSession() {
                    @Override
                    protected void doStart() {
                        // Traces until closed: start() blocks.
                    }

                    @Override
                    protected void doClose(boolean started) {
                        deliver(new TraceOutput.Print(0, 0, END_OUTPUT));
                    }
                };
            }
        };
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        int status = new KtapCli(Toolchain.frontend(), name -> untilClosed, new TracefsEvents(), out, err)
                .run(List.of(args));
        out.flush();
        System.exit(status);
    }
}
