package io.ktap.kernel;

import io.ktap.ast.Probe;
import io.ktap.ast.ProbeSpecs;
import io.ktap.bytecode.ProbeEntry;
import io.ktap.host.ElfFile;
import io.ktap.host.EventFormat;
import io.ktap.host.EventRef;
import io.ktap.host.HostException;
import io.ktap.host.ProbeEvents;
import io.ktap.host.Tracefs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves what the kernel cannot, in userspace: a probe-table entry becomes the tracefs events it
 * names. Tracepoint globs are matched against {@code available_events}; kprobes/kretprobes and
 * uprobes/uretprobes are created in tracefs ({@link ProbeEvents}, in a group owned by this process
 * and removed on {@link #close()}, or by the next start after a crash); {@code ftrace:function} is
 * the function event. Timers resolve to nothing (the module runs them); perf events and
 * breakpoints to their perf_event_attr words ({@link #counter}).
 */
final class ProbeResolver implements AutoCloseable {

    private final Tracefs tracefs;
    private final ProbeEvents probes;

    ProbeResolver() {
        try {
            this.tracefs = Tracefs.open();
            ProbeEvents.removeStale(tracefs);
            this.probes = ProbeEvents.forCurrentProcess(tracefs);
        } catch (HostException e) {
            throw new KernelException(e.getMessage(), e.errno(), e);
        }
    }

    /** The events of {@code entry}, each with its tracefs format (id, fields). */
    List<EventFormat> resolve(ProbeEntry entry) {
        Probe probe;
        try {
            probe = ProbeSpecs.parse(entry.spec());
        } catch (IllegalArgumentException e) {
            throw new KernelException("bad probe '" + entry.spec() + "': " + e.getMessage());
        }
        try {
            if (probe instanceof Probe.Tracepoint t) {
                return tracepoints(entry, t.subsystem() + ":" + t.event());
            } else if (probe instanceof Probe.Kprobe k) {
                return List.of(created(probes.createKprobe(k.isReturn(), k.symbol(), k.offset(), k.symbol(),
                        fetchArgs(k.args()))));
            } else if (probe instanceof Probe.Uprobe u) {
                return List.of(uprobe(u));
            } else if (probe instanceof Probe.FtraceFunction) {
                return tracepoints(entry, "ftrace:function");
            } else if (probe instanceof Probe.Sdt) {
                throw new KernelException("probe '" + entry.spec()
                        + "': SDT markers are not supported by the kernel backend yet");
            }
            return List.of();
        } catch (HostException e) {
            throw new KernelException("probe '" + entry.spec() + "': " + e.getMessage(), e.errno(), e);
        }
    }

    /**
     * The perf_event_attr words of a perf-event or breakpoint entry ({@link io.ktap.bytecode.CounterAttr}),
     * a breakpoint's kernel symbol resolved through {@code /proc/kallsyms}.
     */
    List<Long> counter(ProbeEntry entry) {
        try {
            return io.ktap.host.PerfCounters.resolve(ProbeSpecs.parse(entry.spec()));
        } catch (IllegalArgumentException e) {
            throw new KernelException("bad probe '" + entry.spec() + "': " + e.getMessage());
        } catch (HostException e) {
            throw new KernelException("probe '" + entry.spec() + "': " + e.getMessage(), e.errno(), e);
        }
    }

    private List<EventFormat> tracepoints(ProbeEntry entry, String glob) throws HostException {
        List<EventRef> refs = tracefs.resolve(glob);
        if (refs.isEmpty()) {
            throw new KernelException("probe '" + entry.spec() + "': no tracepoint matches " + glob);
        }
        List<EventFormat> out = new ArrayList<>(refs.size());
        for (EventRef r : refs) {
            out.add(tracefs.format(r));
        }
        return out;
    }

    private EventFormat created(ProbeEvents.Created c) throws HostException {
        return tracefs.format(c.event());
    }

    private EventFormat uprobe(Probe.Uprobe u) throws HostException {
        Path real;
        try {
            real = Path.of(u.path()).toRealPath();
        } catch (IOException e) {
            throw new HostException("no such binary: " + u.path(), e);
        }
        ElfFile elf = ElfFile.open(real);
        long vaddr;
        String hint;
        if (u.symbol() == null) {
            vaddr = u.offset();
            hint = "addr_" + Long.toHexString(vaddr);
        } else {
            ElfFile.Symbol sym = elf.function(u.symbol()).orElseThrow(() ->
                    new HostException("no function '" + u.symbol() + "' in the symbol tables of " + real));
            vaddr = sym.value() + u.offset();
            hint = u.symbol();
        }
        long offset = elf.fileOffset(vaddr).orElseThrow(() -> new HostException("address 0x"
                + Long.toHexString(vaddr) + " is in no loadable segment of " + real));
        List<String> args = u.isReturn() && u.args().isEmpty() ? List.of("ret=$retval:s64") : fetchArgs(u.args());
        return created(probes.createUprobe(u.isReturn(), real, offset, hint, args));
    }

    private static List<String> fetchArgs(List<Probe.FetchArg> args) {
        List<String> out = new ArrayList<>(args.size());
        for (Probe.FetchArg a : args) {
            out.add(a.name() + "=" + a.fetch());
        }
        return out;
    }

    /** Removes the probe events this resolver created. Idempotent. */
    @Override
    public void close() {
        probes.removeAll();
    }
}
