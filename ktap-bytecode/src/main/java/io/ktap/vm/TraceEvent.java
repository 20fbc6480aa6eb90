package io.ktap.vm;

/**
 * The event a probe handler runs for, as the VM reads it: its name, its fields in format order
 * ({@code arg1..arg9}), its fields by name (the early API's {@code e.field}) and its tracefs text.
 * Backends implement it over their own event representation (the sim's synthetic events, the host
 * backend's raw perf samples).
 */
public interface TraceEvent {

    /** {@code argname}: the event's name, such as {@code sys_enter_openat}. */
    KString name();

    /** {@code argevent}: the event as a line of the tracefs {@code trace} file (without the newline). */
    KString text();

    /** The number of fields after the common ones. */
    int fieldCount();

    /**
     * Stores field {@code i} (1-based, after the common fields) in {@code ref[o]}/{@code num[o]}:
     * a number, or a string for character arrays and dynamic strings; nil past the last field.
     */
    void field(int i, Object[] ref, long[] num, int o);

    /** The 1-based position of the field named {@code name}, or 0 when there is none. */
    int fieldIndex(KString name);

    /** Whether this is a syscall entry event ({@code sys_enter_*}). */
    boolean isSyscallEnter();
}
