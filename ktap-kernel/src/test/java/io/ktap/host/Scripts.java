package io.ktap.host;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.compiler.CompileResult;
import io.ktap.compiler.KtapCompiler;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import io.ktap.trace.TraceProgram;
import io.ktap.trace.TraceSession;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The full stack for the host backend's tests: script text through ktap-compiler into a
 * {@link TraceProgram}, a session on the real kernel, and every record it delivered.
 */
final class Scripts {

    /** How long a session that must end by itself may take before the test fails. */
    static final Duration END = Duration.ofSeconds(60);

    private Scripts() {
    }

    /** The program of {@code source}, or a failed assertion with the compiler's diagnostics. */
    static TraceProgram.Source compile(String source) {
        CompileResult r = KtapCompiler.compile("test.kp", source);
        assertTrue(r.isSuccess(), () -> "does not compile:\n" + r.format());
        return TraceProgram.of(r.programOrThrow());
    }

    /** Every record a session delivered, in order. */
    static final class Recorder {
        final List<TraceOutput> outputs = Collections.synchronizedList(new ArrayList<>());

        Recorder attach(TraceSession s) {
            s.onEvent(outputs::add);
            return this;
        }

        /** The text output (print, printf, histograms), concatenated. */
        String printed() {
            synchronized (outputs) {
                return outputs.stream().filter(o -> o instanceof TraceOutput.Print || o instanceof TraceOutput.Histogram)
                        .map(TraceOutput::text).collect(Collectors.joining());
            }
        }

        List<TraceOutput.RuntimeError> errors() {
            synchronized (outputs) {
                return outputs.stream().filter(o -> o instanceof TraceOutput.RuntimeError)
                        .map(o -> (TraceOutput.RuntimeError) o).toList();
            }
        }

        long lost() {
            synchronized (outputs) {
                return outputs.stream().filter(o -> o instanceof TraceOutput.Lost)
                        .mapToLong(o -> ((TraceOutput.Lost) o).count()).sum();
            }
        }

        List<TraceOutput.Histogram> histograms() {
            synchronized (outputs) {
                return outputs.stream().filter(o -> o instanceof TraceOutput.Histogram)
                        .map(o -> (TraceOutput.Histogram) o).toList();
            }
        }
    }

    /** Runs {@code source} on {@code command} until the command exits; returns what it delivered. */
    static Recorder runCommand(HostBackend backend, String source, ProcessBuilder command) throws InterruptedException {
        Recorder rec = new Recorder();
        try (HostSession s = backend.openCommand(compile(source), TraceOptions.defaults(), command)) {
            rec.attach(s);
            s.startAsync();
            assertTrue(s.awaitTermination(END), "the session did not end when the command exited");
        }
        return rec;
    }
}
