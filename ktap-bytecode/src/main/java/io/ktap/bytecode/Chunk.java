package io.ktap.bytecode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A compiled ktap program: everything the VM needs, self-contained and without pointers. Built by
 * {@link Codegen}, written and read by {@link ChunkWriter} / {@link ChunkReader}, checked by
 * {@link Verifier}. The model holds any values the format can express; only a chunk the verifier
 * accepts may run.
 *
 * @param source    the script's file name (a byte string), for error messages
 * @param limits    the resource limits
 * @param globals   the names of the global slots (byte strings); {@link Opcode#GGET} D indexes this list
 * @param protos    every function prototype; {@link #MAIN} is the main chunk
 * @param endProtos the end blocks ({@code trace_end}), run in order when tracing stops
 * @param probes    the probe table
 * @param schemas   the record schemas of {@link Opcode#EMIT}
 * @param aggregations the aggregation descriptors of {@link Opcode#AGG} and {@link Opcode#TAGG}
 */
public record Chunk(String source, Limits limits, List<String> globals, List<Proto> protos, List<Integer> endProtos,
                    List<ProbeEntry> probes, List<RecordSchema> schemas, List<AggregationSpec> aggregations) {

    /** The index of the main chunk's prototype. */
    public static final int MAIN = 0;

    /** The global slot the VM fills with the script arguments, when the chunk has one. */
    public static final String ARG_GLOBAL = "arg";

    public Chunk {
        Bytes.requireBytes(source, "source");
        Objects.requireNonNull(limits, "limits");
        globals = List.copyOf(globals);
        globals.forEach(g -> Bytes.requireBytes(g, "global name"));
        protos = List.copyOf(protos);
        endProtos = List.copyOf(endProtos);
        probes = List.copyOf(probes);
        schemas = List.copyOf(schemas);
        aggregations = List.copyOf(aggregations);
    }

    /** A chunk without aggregations. */
    public Chunk(String source, Limits limits, List<String> globals, List<Proto> protos, List<Integer> endProtos,
                 List<ProbeEntry> probes, List<RecordSchema> schemas) {
        this(source, limits, globals, protos, endProtos, probes, schemas, List.of());
    }

    /** The main chunk's prototype. */
    public Proto main() {
        return protos.get(MAIN);
    }

    /** The slot of the global named {@code name}, or -1. */
    public int globalSlot(String name) {
        return globals.indexOf(name);
    }

    /** A copy whose probe entry {@code index} carries the resolved event ids. */
    public Chunk withEventIds(int index, List<Long> ids) {
        List<ProbeEntry> p = new ArrayList<>(probes);
        p.set(index, p.get(index).withEventIds(ids));
        return new Chunk(source, limits, globals, protos, endProtos, p, schemas, aggregations);
    }

    /** A copy with other limits. */
    public Chunk withLimits(Limits newLimits) {
        return new Chunk(source, newLimits, globals, protos, endProtos, probes, schemas, aggregations);
    }
}
