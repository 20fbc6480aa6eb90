package io.ktap.kernel.cvm;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * The JNA mapping of the userspace C VM, {@code libktapvm.so} ({@code ktapvm.h} and
 * {@code ktapvm_user.h}). Use {@link CVm}; this interface is its plumbing.
 */
public interface CVmLibrary extends Library {

    /** {@code struct ktapvm_load_opts}. */
    @Structure.FieldOrder({"ring_bytes", "nr_rings"})
    class LoadOpts extends Structure {
        public int ring_bytes;
        public int nr_rings;
    }

    /** {@code user_string} / {@code kernel_string}: the string's length, or -1. */
    interface StringCallback extends Callback {
        int invoke(Pointer ud, long addr, Pointer buf, int size);
    }

    /** {@code kernel_stack}: the number of entries written. */
    interface StackCallback extends Callback {
        int invoke(Pointer ud, Pointer entries, int max);
    }

    /** {@code symbolize}: the length written. */
    interface SymbolCallback extends Callback {
        int invoke(Pointer ud, long addr, Pointer buf, int size);
    }

    /** {@code task_field}: 1 with the value in {@code out}, or 0. */
    interface TaskFieldCallback extends Callback {
        int invoke(Pointer ud, long offset, int bytes, Pointer out);
    }

    /** {@code sock_addr}: 1 with the address in {@code out}, or 0. */
    interface SockCallback extends Callback {
        int invoke(Pointer ud, long sock, int dest, Pointer out);
    }

    /** {@code trace_clock}. */
    interface ClockCallback extends Callback {
        long invoke(Pointer ud);
    }

    /** {@code struct ktapvm_user_callbacks}. */
    @Structure.FieldOrder({"user_string", "kernel_string", "kernel_stack", "symbolize", "task_field", "sock_addr",
            "trace_clock", "ud"})
    class Callbacks extends Structure {
        public StringCallback user_string;
        public StringCallback kernel_string;
        public StackCallback kernel_stack;
        public SymbolCallback symbolize;
        public TaskFieldCallback task_field;
        public SockCallback sock_addr;
        public ClockCallback trace_clock;
        public Pointer ud;
    }

    Pointer ktapvm_load(byte[] chunk, long len, LoadOpts opts, byte[] err, long errSize);

    void ktapvm_free(Pointer vm);

    int ktapvm_verify_policy(byte[] chunk, long len, int kernelPolicy, byte[] err, long errSize);

    int ktapvm_set_args(Pointer vm, byte[] script, int argc, Pointer argv);

    int ktapvm_run_main(Pointer vm);

    int ktapvm_run_probe(Pointer vm, int probe, Pointer event);

    int ktapvm_run_dynamic(Pointer vm, int index, Pointer event);

    int ktapvm_run_end(Pointer vm);

    int ktapvm_nr_dynamic(Pointer vm);

    int ktapvm_exit_status(Pointer vm);

    int ktapvm_nr_rings(Pointer vm);

    Pointer ktapvm_ring_base(Pointer vm, int ring);

    long ktapvm_ring_map_size(Pointer vm);

    int ktapvm_user_drain(Pointer vm, Pointer buf, int size);

    void ktapvm_user_set_task(Pointer vm, long pid, long tid, long uid, byte[] execname);

    void ktapvm_user_set_cpu(Pointer vm, int cpu, int numCpus);

    void ktapvm_user_set_clock(Pointer vm, long traceClock, long realtime);

    void ktapvm_user_set_system(Pointer vm, byte[] arch, byte[] release);

    void ktapvm_user_set_flags(Pointer vm, int inInterrupt, int inIowait);

    void ktapvm_user_set_callbacks(Pointer vm, Callbacks callbacks);
}
