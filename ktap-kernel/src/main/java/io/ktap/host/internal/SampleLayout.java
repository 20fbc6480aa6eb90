package io.ktap.host.internal;

/**
 * Where each field of a PERF_RECORD_SAMPLE sits for one {@code sample_type}, as byte offsets from
 * the start of the record (header included). The fields appear in the ABI's fixed order; only
 * the callchain has a variable length, so the raw data's offset is fixed unless a callchain
 * precedes it. -1 marks an absent field.
 */
public final class SampleLayout {
    public final long sampleType;
    public final int id;
    public final int ip;
    public final int tid;
    public final int time;
    public final int cpu;
    public final int period;
    /** Offset of the callchain's {@code u64 nr}, or -1. */
    public final int callchain;
    /** Offset of the raw data's {@code u32 size} when no callchain precedes it, else -1. */
    public final int raw;
    public final boolean hasRaw;

    public SampleLayout(long sampleType) {
        if ((sampleType & Perf.SAMPLE_IDENTIFIER) == 0) {
            throw new IllegalArgumentException("samples must carry PERF_SAMPLE_IDENTIFIER");
        }
        if ((sampleType & (Perf.SAMPLE_READ | ~knownBits())) != 0) {
            throw new IllegalArgumentException("unsupported sample_type bits: 0x" + Long.toHexString(sampleType));
        }
        this.sampleType = sampleType;
        int off = Perf.HEADER_SIZE;
        id = off;
        off += 8;
        ip = has(sampleType, Perf.SAMPLE_IP) ? off : -1;
        off += ip >= 0 ? 8 : 0;
        tid = has(sampleType, Perf.SAMPLE_TID) ? off : -1;
        off += tid >= 0 ? 8 : 0;
        time = has(sampleType, Perf.SAMPLE_TIME) ? off : -1;
        off += time >= 0 ? 8 : 0;
        off += has(sampleType, Perf.SAMPLE_ADDR) ? 8 : 0;
        off += has(sampleType, Perf.SAMPLE_ID) ? 8 : 0;
        off += has(sampleType, Perf.SAMPLE_STREAM_ID) ? 8 : 0;
        cpu = has(sampleType, Perf.SAMPLE_CPU) ? off : -1;
        off += cpu >= 0 ? 8 : 0;
        period = has(sampleType, Perf.SAMPLE_PERIOD) ? off : -1;
        off += period >= 0 ? 8 : 0;
        callchain = has(sampleType, Perf.SAMPLE_CALLCHAIN) ? off : -1;
        hasRaw = has(sampleType, Perf.SAMPLE_RAW);
        raw = hasRaw && callchain < 0 ? off : -1;
    }

    private static long knownBits() {
        return Perf.SAMPLE_IP | Perf.SAMPLE_TID | Perf.SAMPLE_TIME | Perf.SAMPLE_ADDR | Perf.SAMPLE_ID
                | Perf.SAMPLE_CPU | Perf.SAMPLE_PERIOD | Perf.SAMPLE_STREAM_ID | Perf.SAMPLE_CALLCHAIN
                | Perf.SAMPLE_RAW | Perf.SAMPLE_IDENTIFIER;
    }

    private static boolean has(long sampleType, long bit) {
        return (sampleType & bit) != 0;
    }
}
