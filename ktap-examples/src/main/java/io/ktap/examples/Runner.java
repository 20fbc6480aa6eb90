package io.ktap.examples;

import io.ktap.trace.Backends;
import io.ktap.trace.TraceException;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceProgram;
import io.ktap.trace.TraceSession;
import java.util.List;
import java.util.function.Consumer;

/** What every example's {@code main} does: open the program on the best backend, wire it, run it. */
final class Runner {

    private Runner() {
    }

    /**
     * Runs {@code program} on {@link Backends#auto()} until it exits or the JVM is interrupted
     * (Ctrl-C closes the session, so the end blocks run). Text output goes to standard output,
     * runtime errors to standard error; {@code wiring} adds the example's own callbacks.
     *
     * @param name    the program's name ({@code arg[0]})
     * @param args    the program's arguments ({@code arg[1]...})
     * @param program the program
     * @param wiring  callbacks to register before the session starts
     * @return the process exit status
     */
    static int run(String name, String[] args, TraceProgram program, Consumer<TraceSession> wiring) {
        TraceOptions options = TraceOptions.defaults().scriptArgs(name, List.of(args));
        try (TraceSession session = Backends.auto().open(program, options)) {
            session.onPrint(System.out::print).onError(e -> System.err.println(e.text()));
            wiring.accept(session);
            Thread closer = new Thread(session::close, name + "-close");
            Runtime.getRuntime().addShutdownHook(closer);
            System.err.println("Tracing... Hit Ctrl-C to end.");
            session.start();
            try {
                Runtime.getRuntime().removeShutdownHook(closer);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is closing the session.
            }
            return 0;
        } catch (TraceException e) {
            System.err.println(name + ": " + e.getMessage());
            return 1;
        }
    }
}
