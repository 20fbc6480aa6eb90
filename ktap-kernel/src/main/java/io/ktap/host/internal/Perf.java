package io.ktap.host.internal;

/**
 * Constants of the perf_event ABI (include/uapi/linux/perf_event.h), shared by the native layer
 * and the pure-Java ring reader.
 */
public final class Perf {
    private Perf() {
    }

    // perf_type_id
    public static final int TYPE_HARDWARE = 0;
    public static final int TYPE_SOFTWARE = 1;
    public static final int TYPE_TRACEPOINT = 2;
    public static final int TYPE_BREAKPOINT = 5;

    // perf_sw_ids
    public static final int COUNT_SW_CPU_CLOCK = 0;
    public static final int COUNT_SW_TASK_CLOCK = 1;
    public static final int COUNT_SW_DUMMY = 9;

    // perf_event_sample_format
    public static final long SAMPLE_IP = 1L << 0;
    public static final long SAMPLE_TID = 1L << 1;
    public static final long SAMPLE_TIME = 1L << 2;
    public static final long SAMPLE_ADDR = 1L << 3;
    public static final long SAMPLE_READ = 1L << 4;
    public static final long SAMPLE_CALLCHAIN = 1L << 5;
    public static final long SAMPLE_ID = 1L << 6;
    public static final long SAMPLE_CPU = 1L << 7;
    public static final long SAMPLE_PERIOD = 1L << 8;
    public static final long SAMPLE_STREAM_ID = 1L << 9;
    public static final long SAMPLE_RAW = 1L << 10;
    public static final long SAMPLE_IDENTIFIER = 1L << 16;

    // perf_event_read_format
    public static final long FORMAT_TOTAL_TIME_ENABLED = 1L << 0;
    public static final long FORMAT_TOTAL_TIME_RUNNING = 1L << 1;
    public static final long FORMAT_ID = 1L << 2;
    public static final long FORMAT_GROUP = 1L << 3;
    public static final long FORMAT_LOST = 1L << 4;

    // perf_event_attr flag bits (the bitfield word at offset 40)
    public static final long FLAG_DISABLED = 1L << 0;
    public static final long FLAG_INHERIT = 1L << 1;
    public static final long FLAG_EXCLUDE_KERNEL = 1L << 5;
    public static final long FLAG_EXCLUDE_HV = 1L << 6;
    public static final long FLAG_FREQ = 1L << 10;
    public static final long FLAG_COMM = 1L << 9;
    public static final long FLAG_ENABLE_ON_EXEC = 1L << 12;
    public static final long FLAG_WATERMARK = 1L << 14;
    public static final long FLAG_SAMPLE_ID_ALL = 1L << 18;
    public static final long FLAG_EXCLUDE_CALLCHAIN_USER = 1L << 22;
    public static final long FLAG_COMM_EXEC = 1L << 24;
    public static final long FLAG_USE_CLOCKID = 1L << 25;

    /** CLOCK_MONOTONIC, the clock of System.nanoTime() on Linux. */
    public static final int CLOCK_MONOTONIC = 1;

    // perf_event_type
    public static final int RECORD_LOST = 2;
    public static final int RECORD_COMM = 3;
    public static final int RECORD_THROTTLE = 5;
    public static final int RECORD_UNTHROTTLE = 6;
    public static final int RECORD_SAMPLE = 9;

    // perf_event_open flags
    public static final long FLAG_FD_CLOEXEC = 1L << 3;

    // ioctls: _IO('$', n), _IOW('$', n, T), _IOR('$', n, T) in the generic encoding
    // (same on x86_64 and aarch64).
    public static final long IOC_ENABLE = 0x2400;
    public static final long IOC_DISABLE = 0x2401;
    public static final long IOC_RESET = 0x2403;
    public static final long IOC_SET_OUTPUT = 0x2405;
    public static final long IOC_SET_FILTER = 0x40082406L;
    public static final long IOC_ID = 0x80082407L;

    // struct perf_event_mmap_page
    public static final int MMAP_DATA_HEAD = 1024;
    public static final int MMAP_DATA_TAIL = 1032;
    public static final int MMAP_DATA_OFFSET = 1040;
    public static final int MMAP_DATA_SIZE = 1048;

    /** perf_event_header.misc of a PERF_RECORD_COMM written by exec. */
    public static final int RECORD_MISC_COMM_EXEC = 1 << 13;

    // callchain context markers (enum perf_callchain_context), as unsigned u64 values
    public static final long CONTEXT_KERNEL = -128L;
    public static final long CONTEXT_USER = -512L;
    /** Entries at or above this (unsigned) value are context markers, not addresses. */
    public static final long CONTEXT_MAX = -4095L;

    /** sizeof(struct perf_event_header). */
    public static final int HEADER_SIZE = 8;
}
