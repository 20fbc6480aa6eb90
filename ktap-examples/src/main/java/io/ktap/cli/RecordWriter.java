package io.ktap.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ktap.trace.TraceOutput;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Writes a session's records in the {@code -f} format: {@code data} receives the program's output,
 * {@code diagnostics} (standard error) the runtime errors and lost counts of the text format.
 */
public abstract sealed class RecordWriter {

    /** The writer for {@code format}. */
    public static RecordWriter of(OutputFormat format, PrintStream data, PrintStream diagnostics, boolean timestamps) {
        return switch (format) {
            case TEXT -> new Text(data, diagnostics, timestamps);
            case JSON -> new Json(data, timestamps);
        };
    }

    /** Writes one record. */
    public abstract void write(TraceOutput record);

    /** Flushes what was written. */
    public abstract void flush();

    /** {@code -T}: seconds and microseconds of the trace clock, as tracefs shows them. */
    static String timestamp(long nanos) {
        return String.format("%d.%06d", nanos / 1_000_000_000L, nanos % 1_000_000_000L / 1_000L);
    }

    /**
     * The original ktap's output: text as the program wrote it, histograms drawn; runtime errors
     * ({@code error: file:line: message}) and lost counts on standard error. With {@code -T} each
     * record starts with its timestamp.
     */
    static final class Text extends RecordWriter {
        private final PrintStream data;
        private final PrintStream diagnostics;
        private final boolean timestamps;

        Text(PrintStream data, PrintStream diagnostics, boolean timestamps) {
            this.data = Objects.requireNonNull(data, "data");
            this.diagnostics = Objects.requireNonNull(diagnostics, "diagnostics");
            this.timestamps = timestamps;
        }

        @Override
        public void write(TraceOutput record) {
            boolean diagnostic = record instanceof TraceOutput.RuntimeError || record instanceof TraceOutput.Lost;
            PrintStream to = diagnostic ? diagnostics : data;
            if (diagnostic) {
                // Keep the order the program produced them in, where both streams share a terminal.
                data.flush();
            }
            if (timestamps) {
                to.print(timestamp(record.timestampNanos()) + " ");
            }
            to.print(record.text());
        }

        @Override
        public void flush() {
            data.flush();
            diagnostics.flush();
        }
    }

    /**
     * Newline-delimited JSON, one object per record, shaped like bpftrace's
     * {@code {"type": ..., "data": ...}} so that its consumers can read it:
     *
     * <pre>
     * {"type": "printf", "data": "text as printed\n"}
     * {"type": "histogram", "data": {"rows": [{"key": "sys_enter_read", "count": 12}], "omitted": 0}}
     * {"type": "map", "data": {"@s": {"sys_enter_close": 1, "sys_enter_read": 12}}}
     * {"type": "stats", "data": {"@st": {"count": 2, "average": 3, "total": 7}}}
     * {"type": "hist", "data": {"@lat": [{"min": 4, "max": 7, "count": 3}, {"min": 8, "max": 15, "count": 1}]}}
     * {"type": "record", "data": {"schema": "OpenEvent", "fields": {"pid": 42, "path": "/etc/hosts"}}}
     * {"type": "error", "data": {"message": "divide by zero", "file": "x.kp", "line": 3}}
     * {"type": "lost_events", "data": {"events": 17, "cpu": 1}}
     * </pre>
     *
     * With {@code -T} every object also has {@code "timestamp"}, in nanoseconds of the trace clock.
     */
    static final class Json extends RecordWriter {
        private static final JsonFactory FACTORY = new JsonFactory();

        private final PrintStream data;
        private final boolean timestamps;

        Json(PrintStream data, boolean timestamps) {
            this.data = Objects.requireNonNull(data, "data");
            this.timestamps = timestamps;
        }

        @Override
        public void write(TraceOutput record) {
            try (JsonGenerator g = FACTORY.createGenerator(new NonClosing(data))) {
                g.writeStartObject();
                if (record instanceof TraceOutput.Print p) {
                    g.writeStringField("type", "printf");
                    g.writeStringField("data", p.text());
                } else if (record instanceof TraceOutput.Histogram h) {
                    g.writeStringField("type", "histogram");
                    g.writeObjectFieldStart("data");
                    g.writeArrayFieldStart("rows");
                    for (TraceOutput.Histogram.Row row : h.rows()) {
                        g.writeStartObject();
                        g.writeStringField("key", row.key());
                        g.writeNumberField("count", row.count());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeNumberField("omitted", h.omitted());
                    g.writeEndObject();
                } else if (record instanceof TraceOutput.Aggregation a) {
                    g.writeStringField("type", a.kind().jsonType());
                    g.writeObjectFieldStart("data");
                    g.writeFieldName("@" + a.name());
                    if (a.isScalar()) {
                        writeAggregation(g, a, a.entries().get(0));
                    } else {
                        g.writeStartObject();
                        for (TraceOutput.Aggregation.Entry entry : a.entries()) {
                            g.writeFieldName(entry.key());
                            writeAggregation(g, a, entry);
                        }
                        g.writeEndObject();
                    }
                    g.writeEndObject();
                } else if (record instanceof TraceOutput.Emit e) {
                    g.writeStringField("type", "record");
                    g.writeObjectFieldStart("data");
                    g.writeStringField("schema", e.schema());
                    g.writeObjectFieldStart("fields");
                    for (int i = 0; i < e.names().size(); i++) {
                        writeValue(g, e.names().get(i), e.values().get(i));
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                } else if (record instanceof TraceOutput.RuntimeError err) {
                    g.writeStringField("type", "error");
                    g.writeObjectFieldStart("data");
                    g.writeStringField("message", err.message());
                    g.writeStringField("file", err.file());
                    g.writeNumberField("line", err.line());
                    g.writeEndObject();
                } else if (record instanceof TraceOutput.Lost lost) {
                    g.writeStringField("type", "lost_events");
                    g.writeObjectFieldStart("data");
                    g.writeNumberField("events", lost.count());
                    g.writeNumberField("cpu", lost.cpu());
                    g.writeEndObject();
                } else {
                    throw new IllegalStateException("unknown record " + record);
                }
                if (timestamps) {
                    g.writeNumberField("timestamp", record.timestampNanos());
                }
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            data.print('\n');
        }

        /**
         * One aggregation's value as bpftrace writes it: a number (count, sum, min, max, avg),
         * {@code {"count": N, "average": A, "total": T}} (stats), or the buckets from the first
         * non-empty one to the last as {@code [{"min": lo, "max": hi, "count": n}, ...]} (histograms;
         * no {@code min} below the lowest bucket, no {@code max} above the highest).
         */
        private static void writeAggregation(JsonGenerator g, TraceOutput.Aggregation a, TraceOutput.Aggregation.Entry e)
                throws IOException {
            switch (a.kind()) {
                case STATS -> {
                    g.writeStartObject();
                    g.writeNumberField("count", e.count());
                    g.writeNumberField("average", e.average());
                    g.writeNumberField("total", e.sum());
                    g.writeEndObject();
                }
                case HIST, LHIST -> {
                    g.writeStartArray();
                    for (TraceOutput.Aggregation.Bucket b : a.buckets(e)) {
                        g.writeStartObject();
                        if (b.low() != null) {
                            g.writeNumberField("min", b.low());
                        }
                        if (b.high() != null) {
                            g.writeNumberField("max", b.high());
                        }
                        g.writeNumberField("count", b.count());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                default -> g.writeNumber(a.value(e));
            }
        }

        private static void writeValue(JsonGenerator g, String name, Object value) throws IOException {
            if (value == null) {
                g.writeNullField(name);
            } else if (value instanceof Long l) {
                g.writeNumberField(name, l);
            } else if (value instanceof Boolean b) {
                g.writeBooleanField(name, b);
            } else {
                g.writeStringField(name, value.toString());
            }
        }

        @Override
        public void flush() {
            data.flush();
        }
    }

    /** Lets a generator be closed (to flush it) without closing the stream under it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
