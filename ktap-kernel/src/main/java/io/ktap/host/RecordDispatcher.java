package io.ktap.host;

import io.ktap.host.internal.LongIntMap;
import io.ktap.host.internal.Perf;
import io.ktap.host.internal.RingReader;
import io.ktap.host.internal.SampleLayout;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Turns ring records into {@link SampleHandler} calls: a sample's PERF_SAMPLE_IDENTIFIER is looked
 * up (one probe of a primitive hash map) to find its event and layout, and the one reusable
 * {@link SampleView} is pointed at the record. Nothing is allocated per record or per batch.
 * Not thread-safe: owned by the polling thread.
 */
final class RecordDispatcher implements RingReader.RecordSink {
    private final LongIntMap ids = new LongIntMap();
    private final SampleView view = new SampleView();
    private AttachedEvent[] events = new AttachedEvent[8];
    private SampleLayout[] layouts = new SampleLayout[8];
    private SampleHandler handler;
    private int cpu;
    private long drainLost;
    long samples;
    long lost;
    long unknownSamples;
    long otherRecords;

    /** Routes samples carrying {@code id} to {@code event}, decoded with {@code layout}. */
    void register(long id, AttachedEvent event, SampleLayout layout) {
        int index = event.index();
        if (index >= events.length) {
            events = Arrays.copyOf(events, Math.max(index + 1, events.length * 2));
            layouts = Arrays.copyOf(layouts, events.length);
        }
        events[index] = event;
        layouts[index] = layout;
        ids.put(id, index);
    }

    /**
     * Drains one ring into {@code handler}, adding the number of records to {@code records[0]}.
     * Afterwards (also if the handler threw) {@link #lastDrainLost()} tells how many samples the
     * kernel reported lost on this ring during the drain.
     */
    void drain(RingReader reader, int ringCpu, SampleHandler sampleHandler, int[] records) {
        handler = sampleHandler;
        cpu = ringCpu;
        drainLost = 0;
        try {
            records[0] += reader.drain(this);
        } finally {
            handler = null;
        }
    }

    long lastDrainLost() {
        return drainLost;
    }

    @Override
    public void onRecord(ByteBuffer buffer, int offset, int type, int misc, int size) {
        if (type == Perf.RECORD_SAMPLE) {
            int index = ids.get(buffer.getLong(offset + Perf.HEADER_SIZE));
            if (index < 0) {
                unknownSamples++;
                return;
            }
            samples++;
            view.reset(buffer, offset, size, cpu, events[index], layouts[index]);
            handler.onSample(view);
        } else if (type == Perf.RECORD_LOST) {
            long count = buffer.getLong(offset + Perf.HEADER_SIZE + 8);
            lost += count;
            drainLost += count;
            handler.onLost(cpu, count);
        } else if (type == Perf.RECORD_COMM) {
            int pid = buffer.getInt(offset + Perf.HEADER_SIZE);
            int tid = buffer.getInt(offset + Perf.HEADER_SIZE + 4);
            int start = offset + Perf.HEADER_SIZE + 8;
            int end = start;
            int limit = offset + size;
            while (end < limit && buffer.get(end) != 0) {
                end++;
            }
            byte[] comm = new byte[end - start];
            buffer.get(start, comm);
            handler.onComm(cpu, pid, tid, new String(comm, java.nio.charset.StandardCharsets.UTF_8),
                    (misc & Perf.RECORD_MISC_COMM_EXEC) != 0);
        } else {
            otherRecords++;
        }
    }
}
