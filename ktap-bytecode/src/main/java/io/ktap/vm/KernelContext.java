package io.ktap.vm;

/**
 * What the kernel-only builtins read: the current task and CPU, kernel and user memory, stacks,
 * clocks. The sim backend implements it with faithful simulated values; the host backend with
 * the values of the perf sample being handled. Reads of memory never fail: an unreadable address
 * gives {@code null}.
 */
public interface KernelContext {

    /** The current process id (tgid). */
    int pid();

    /** The current thread id. */
    int tid();

    int uid();

    /** The current task's command name ({@code comm}, at most 15 bytes). */
    KString execname();

    /** The CPU the handler runs on. */
    int cpu();

    int numCpus();

    /** The machine architecture, as {@code uname -m} prints it ({@code x86_64}). */
    KString arch();

    /** The kernel release, as {@code uname -r} prints it. */
    KString kernelVersion();

    /** The NUL-terminated string at user address {@code addr}, at most {@code max} bytes, or null. */
    byte[] userString(long addr, int max);

    /** The NUL-terminated string at kernel address {@code addr}, at most {@code max} bytes, or null. */
    byte[] kernelString(long addr, int max);

    /** The current kernel stack, innermost first, as return addresses. */
    long[] kernelStack();

    /**
     * {@code addr} as the kernel's {@code %pS} shows it ({@code do_sys_open+0x4/0x1d0}), or as
     * hex when it is not in a known symbol.
     */
    String symbolize(long addr);

    /**
     * {@code bytes} (1, 2, 4 or 8) of the current {@code task_struct} at {@code offset}, sign-extended
     * like the kernel's fetch of a signed field would not be: unsigned, or null when out of range.
     */
    Long taskField(long offset, int bytes);

    boolean inInterrupt();

    boolean inIowait();

    /** Wall-clock time, nanoseconds since the epoch ({@code gettimeofday_*}). */
    long realtimeNanos();

    /** The trace clock, nanoseconds (record timestamps, {@code print_trace_clock}). */
    long traceClockNanos();

    /** The IPv4 source address of the socket at kernel address {@code sock} (host byte order), or null. */
    Long sockSourceAddress(long sock);

    /** The IPv4 destination address of the socket at kernel address {@code sock}, or null. */
    Long sockDestinationAddress(long sock);
}
