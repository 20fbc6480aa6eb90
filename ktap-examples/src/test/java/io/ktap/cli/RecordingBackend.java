package io.ktap.cli;

import io.ktap.trace.AbstractTraceSession;
import io.ktap.trace.TraceBackend;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import io.ktap.trace.TraceProgram;
import io.ktap.trace.TraceSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A test double of a backend: delivers given records when the session starts and when it closes,
 * and remembers what it was asked to load. It lets the command's own behaviour (backend choice,
 * output formats, exit statuses) be tested apart from the real VMs.
 */
final class RecordingBackend implements TraceBackend {

    private final String name;
    private final String unavailable;
    private final List<TraceOutput> onStart;
    private final List<TraceOutput> onClose;
    final List<TraceOptions> opened = new ArrayList<>();
    final List<TraceProgram> programs = new ArrayList<>();
    int closed;

    RecordingBackend(String name, List<TraceOutput> onStart, List<TraceOutput> onClose) {
        this(name, null, onStart, onClose);
    }

    private RecordingBackend(String name, String unavailable, List<TraceOutput> onStart, List<TraceOutput> onClose) {
        this.name = name;
        this.unavailable = unavailable;
        this.onStart = List.copyOf(onStart);
        this.onClose = List.copyOf(onClose);
    }

    static RecordingBackend unavailable(String name, String cause) {
        return new RecordingBackend(name, cause, List.of(), List.of());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isAvailable() {
        return unavailable == null;
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return Optional.ofNullable(unavailable);
    }

    @Override
    public TraceSession open(TraceProgram program, TraceOptions options) {
        if (unavailable != null) {
            throw new IllegalStateException("opened an unavailable backend");
        }
        programs.add(program);
        opened.add(options);
        return new AbstractTraceSession() {
            @Override
            protected void doStart() {
                onStart.forEach(this::deliver);
                // Like a script that ends by itself (exit() or an error): a live start() returns.
                terminated();
            }

            @Override
            protected void doClose(boolean started) {
                closed++;
                if (started) {
                    onClose.forEach(this::deliver);
                }
            }
        };
    }
}
