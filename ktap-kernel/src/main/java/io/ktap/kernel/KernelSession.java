package io.ktap.kernel;

import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.ProbeEntry;
import io.ktap.host.EventFormat;
import io.ktap.host.HostException;
import io.ktap.host.internal.CommandLauncher;
import io.ktap.trace.AbstractTraceSession;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A program loaded into ktapvm.ko. Opening resolves the probes (creating tracefs probe events) and
 * loads the chunk: the module verifies it and creates every event, disabled. {@link #start()} runs
 * the main block and enables the events; a delivery thread then reads the rings and hands records
 * to the callbacks in timestamp order. The session ends when the script calls {@code exit()}, a
 * runtime error stops it, or {@link #close()} stops it; the end block's records and any lost count
 * not yet announced are delivered before {@link #isTerminated()} turns true.
 */
public final class KernelSession extends AbstractTraceSession {

    private static final Duration POLL = Duration.ofMillis(100);

    private final Chunk chunk;
    private final RecordDecoder decoder;
    private final ProbeResolver resolver;
    private final Ktapvm vm;
    private final CommandLauncher command;
    private Thread reader;
    private volatile int exitStatus;
    private volatile RecordHandler view;

    /**
     * @param command the command of {@code -- CMD}, held before its exec (then {@code options} has
     *                no pid: the command's is traced, from its exec on), or {@code null}
     */
    KernelSession(Chunk compiled, TraceOptions options, int ringBytes, boolean enableOnExec, CommandLauncher command) {
        this.command = command;
        int pid = command != null ? Math.toIntExact(command.process().pid()) : options.pid().orElse(-1);
        ProbeResolver res = new ProbeResolver();
        Ktapvm k = null;
        try {
            Chunk c = compiled;
            List<EventTable.Entry> table = new ArrayList<>();
            for (int p = 0; p < c.probes().size(); p++) {
                ProbeEntry entry = c.probes().get(p);
                if (entry.kind().isTimer()) {
                    continue;
                }
                if (entry.kind().isCounter()) {
                    c = c.withEventIds(p, res.counter(entry));
                    continue;
                }
                Set<Long> ids = new LinkedHashSet<>();
                for (EventFormat f : res.resolve(entry)) {
                    if (ids.add((long) f.id())) {
                        table.add(new EventTable.Entry(f.id(), p, f.name(),
                                f.system().equals("syscalls") && f.name().startsWith("sys_enter_"), f.fields(),
                                FilterCompiler.compile(entry.filter(), f.fields())));
                    }
                }
                c = c.withEventIds(p, List.copyOf(ids));
            }
            this.chunk = c;
            this.decoder = new RecordDecoder(c.source(), c.schemas());
            k = Ktapvm.open();
            k.load(io.ktap.bytecode.ChunkWriter.write(c), EventTable.encode(table),
                    new Ktapvm.LoadOptions(pid, options.cpu().orElse(-1), ringBytes,
                            enableOnExec || command != null, options.scriptName().isEmpty() ? c.source() : options.scriptName(),
                            options.scriptArgs()));
        } catch (RuntimeException e) {
            if (k != null) {
                k.close();
            }
            res.close();
            throw e;
        }
        this.resolver = res;
        this.vm = k;
    }

    /** The chunk as loaded, with the event ids userspace resolved. */
    public Chunk chunk() {
        return chunk;
    }

    /** The module's view of the session (hits, runs, lost...). */
    public Ktapvm.Stats stats() {
        return vm.stats();
    }

    /**
     * The hot path: every record is handed to {@code handler} as a zero-copy {@link RecordView} on the
     * delivery thread, and only runtime errors and lost counts are still decoded for the other
     * callbacks (prints, histograms and emits are not, so delivery allocates nothing).
     *
     * @throws IllegalStateException after the session has started
     */
    public KernelSession onView(RecordHandler handler) {
        java.util.Objects.requireNonNull(handler, "handler");
        if (isStarted()) {
            throw new IllegalStateException("callbacks must be registered before the session starts");
        }
        this.view = handler;
        return this;
    }

    /** The status the script gave {@code exit()}, once it has. */
    public int exitStatus() {
        return exitStatus;
    }

    @Override
    protected void doStart() {
        reader = new Thread(this::deliverAll, "ktap-kernel-" + vm.sessionId());
        reader.setDaemon(true);
        vm.start();
        reader.start();
        if (command != null) {
            try {
                command.release();
            } catch (HostException e) {
                failed(e);
                return;
            }
            command.process().onExit().thenRun(this::commandExited);
        }
    }

    /** The command of {@code -- CMD} has exited: tracing ends as with {@code exit()}. */
    private void commandExited() {
        synchronized (vm) {
            if (vm.ended() || isTerminated()) {
                return;
            }
            try {
                vm.stop();
            } catch (RuntimeException e) {
                if (!vm.ended() && !isTerminated()) {
                    failed(e);
                }
            }
        }
    }

    private void deliverAll() {
        RecordHandler hot = view;
        RecordHandler handler = v -> {
            int type = v.type();
            if (type == RecordView.EXIT && v.payloadLength() >= 8) {
                exitStatus = (int) v.payloadLong(0);
            }
            if (hot != null) {
                hot.onRecord(v);
                if (type != RecordView.ERROR && type != RecordView.LOST) {
                    return;
                }
            }
            TraceOutput out = decoder.decode(v);
            if (out != null) {
                deliver(out);
            }
        };
        try {
            while (!vm.ended()) {
                vm.poll(POLL, handler);
            }
            vm.rings().drain(handler, Integer.MAX_VALUE);
            // Drops at the very end were never announced by a LOST record: report them now.
            for (KernelRing r : vm.rings().rings()) {
                long unannounced = r.lostTotal() - r.announcedLost();
                if (unannounced > 0) {
                    r.announce(unannounced);
                    deliver(new TraceOutput.Lost(r.index(), System.nanoTime(), unannounced));
                }
            }
            terminated();
        } catch (Throwable t) {
            failed(t);
        }
    }

    @Override
    protected void doClose(boolean started) {
        try {
            if (started) {
                synchronized (vm) {
                    if (!vm.ended()) {
                        vm.stop();
                    }
                }
                joinReader();
            }
        } finally {
            vm.close();
            resolver.close();
            if (command != null) {
                command.close();
            }
        }
    }

    private void joinReader() {
        boolean interrupted = false;
        // A callback that closes the session runs on the reader itself: it ends after the callback.
        while (reader != null && reader.isAlive() && reader != Thread.currentThread()) {
            try {
                reader.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
