package io.ktap.kernel.cvm;

import com.sun.jna.Pointer;
import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.ChunkWriter;
import io.ktap.sim.EventFormat;
import io.ktap.sim.SimEvent;
import io.ktap.sim.SimKernel;
import io.ktap.trace.TraceOutput;
import io.ktap.vm.KernelContext;
import io.ktap.vm.KtapVm;
import io.ktap.vm.Values;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one chunk on the Java reference VM and on the userspace C VM with the same simulated
 * kernel and the same events, and returns both outputs: the two must be identical.
 */
final class TwoVms {

    /** Ring bytes for tests: enough that no corpus script loses output. */
    static final int RING_BYTES = 1 << 24;

    /** What to run: main, then each (probe, event) in order, then the end blocks. */
    record Firing(int probe, SimEvent event) {
    }

    record Result(List<TraceOutput> java, List<TraceOutput> c, List<KtapVm.Outcome> javaOutcomes,
                  List<CVm.Outcome> cOutcomes) {

        String javaText() {
            return text(java);
        }

        String cText() {
            return text(c);
        }

        /** The typed records of the Java VM, as comparable data (cpu, schema, names, values). */
        List<List<Object>> javaRecords() {
            return records(java);
        }

        List<List<Object>> cRecords() {
            return records(c);
        }
    }

    private TwoVms() {
    }

    static List<List<Object>> records(List<TraceOutput> out) {
        List<List<Object>> records = new ArrayList<>();
        for (TraceOutput o : out) {
            if (o instanceof TraceOutput.Emit e) {
                records.add(java.util.Arrays.asList(e.cpu(), e.schema(), e.names(), e.values()));
            }
        }
        return records;
    }

    static String text(List<TraceOutput> out) {
        StringBuilder sb = new StringBuilder();
        out.forEach(o -> sb.append(o.text()));
        return sb.toString();
    }

    static Result run(Chunk chunk, SimKernel kernel, List<String> args, List<Firing> firings) {
        List<TraceOutput> javaOut = new ArrayList<>();
        List<KtapVm.Outcome> jo = new ArrayList<>();
        KtapVm jvm = new KtapVm(chunk, kernel, javaOut::add);
        jvm.setScriptArgs(chunk.source(), args);
        jo.add(jvm.runMain());
        for (Firing f : firings) {
            jo.add(jvm.runProbe(f.probe(), f.event()));
        }
        jo.add(jvm.runEnd());

        List<TraceOutput> cOut = new ArrayList<>();
        List<CVm.Outcome> co = new ArrayList<>();
        try (CVm cvm = CVm.load(ChunkWriter.write(chunk), chunk, RING_BYTES)) {
            install(cvm, kernel);
            cvm.setArgs(chunk.source(), args);
            sync(cvm, kernel);
            co.add(cvm.runMain());
            cOut.addAll(cvm.drain());
            for (Firing f : firings) {
                sync(cvm, kernel);
                co.add(cvm.runProbe(f.probe(), f.event() == null ? null : event(f.event())));
                cOut.addAll(cvm.drain());
            }
            sync(cvm, kernel);
            co.add(cvm.runEnd());
            cOut.addAll(cvm.drain());
        }
        return new Result(javaOut, cOut, jo, co);
    }

    /** The simulated kernel's scalar state, as the kernel-only builtins read it now. */
    static void sync(CVm cvm, KernelContext k) {
        cvm.setTask(k.pid(), k.tid(), k.uid(), k.execname().toBytes());
        cvm.setCpu(k.cpu(), k.numCpus());
        cvm.setClock(k.traceClockNanos(), k.realtimeNanos());
        cvm.setSystem(k.arch().toBytes(), k.kernelVersion().toBytes());
        cvm.setFlags(k.inInterrupt(), k.inIowait());
    }

    /** Memory, stacks and symbols: the C VM asks the same KernelContext. */
    static void install(CVm cvm, KernelContext k) {
        CVmLibrary.Callbacks cb = cvm.callbacks();
        cb.user_string = (ud, addr, buf, size) -> copy(k.userString(addr, size), buf, size);
        cb.kernel_string = (ud, addr, buf, size) -> copy(k.kernelString(addr, size), buf, size);
        cb.kernel_stack = (ud, entries, max) -> {
            long[] s = k.kernelStack();
            int n = Math.min(max, s.length);
            for (int i = 0; i < n; i++) {
                entries.setLong(8L * i, s[i]);
            }
            return n;
        };
        cb.symbolize = (ud, addr, buf, size) -> copy(k.symbolize(addr).getBytes(StandardCharsets.UTF_8), buf, size);
        cb.task_field = (ud, offset, bytes, out) -> {
            Long v = k.taskField(offset, bytes);
            if (v == null) {
                return 0;
            }
            out.setLong(0, v);
            return 1;
        };
        cb.sock_addr = (ud, sock, dest, out) -> {
            Long v = dest != 0 ? k.sockDestinationAddress(sock) : k.sockSourceAddress(sock);
            if (v == null) {
                return 0;
            }
            out.setLong(0, v);
            return 1;
        };
        cb.trace_clock = ud -> k.traceClockNanos();
        cvm.applyCallbacks();
    }

    private static int copy(byte[] b, Pointer buf, int size) {
        if (b == null) {
            return -1;
        }
        int n = Math.min(b.length, size);
        buf.write(0, b, 0, n);
        return n;
    }

    /** A simulated event as the C VM's struct ktapvm_event. */
    static CEvent event(SimEvent e) {
        EventFormat f = e.format();
        List<CEvent.Field> fields = new ArrayList<>();
        Object[] ref = new Object[1];
        long[] num = new long[1];
        for (int i = 1; i <= e.fieldCount(); i++) {
            e.field(i, ref, num, 0);
            Object v = ref[0] == Values.INT ? (Object) num[0]
                    : ref[0] instanceof io.ktap.vm.KString s ? s.toBytes() : new byte[0];
            fields.add(new CEvent.Field(f.fields().get(i - 1).name().getBytes(StandardCharsets.UTF_8), v));
        }
        return new CEvent(e.name().toBytes(), e.text().toBytes(), fields, e.isSyscallEnter());
    }
}
