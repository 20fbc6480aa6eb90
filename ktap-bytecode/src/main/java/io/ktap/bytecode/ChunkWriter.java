package io.ktap.bytecode;

import static io.ktap.bytecode.ChunkFormat.NONE;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes a {@link Chunk} in the binary format of src/site/markdown/bytecode.md: header, eight
 * sections in order, and a CRC-32 trailer. Every string of the chunk goes once into the STRINGS section; everything else
 * refers to strings by index.
 */
public final class ChunkWriter {

    private final Map<String, Integer> strings = new LinkedHashMap<>();

    private ChunkWriter() {
    }

    /** The bytes of {@code chunk}. */
    public static byte[] write(Chunk chunk) {
        return new ChunkWriter().chunk(chunk);
    }

    private byte[] chunk(Chunk c) {
        // Sections after STRINGS are built first, so that every string they use has its index.
        Out info = new Out();
        info.u32(str(c.source()));

        Out limits = new Out();
        Limits l = c.limits();
        limits.u64(l.handlerBudget());
        limits.u64(l.mainBudget());
        limits.u32(l.maxCallDepth());
        limits.u32(l.maxStackSlots());
        limits.u32(l.maxStringLength());
        limits.u32(l.maxTables());
        limits.u32(l.maxTableEntries());
        limits.u32(l.stringPoolBytes());
        limits.u32(l.maxClosures());

        Out globals = new Out();
        globals.u32(c.globals().size());
        for (String g : c.globals()) {
            globals.u32(str(g));
        }

        Out protos = new Out();
        protos.u32(c.protos().size());
        for (Proto p : c.protos()) {
            proto(protos, p);
        }

        Out probes = new Out();
        probes.u32(c.probes().size());
        for (ProbeEntry p : c.probes()) {
            probes.u8(p.kind().code());
            probes.u8(0);
            probes.u16(0);
            probes.u32(str(p.spec()));
            probes.u32(p.filter() == null ? NONE : str(p.filter()));
            probes.u32(p.handler());
            probes.u64(p.periodNanos());
            probes.u32(p.eventIds().size());
            for (long id : p.eventIds()) {
                probes.u64(id);
            }
        }

        Out ends = new Out();
        ends.u32(c.endProtos().size());
        for (int e : c.endProtos()) {
            ends.u32(e);
        }

        Out schemas = new Out();
        schemas.u32(c.schemas().size());
        for (RecordSchema s : c.schemas()) {
            schemas.u32(str(s.name()));
            schemas.u32(s.fields().size());
            for (RecordSchema.Field f : s.fields()) {
                schemas.u32(str(f.name()));
                schemas.u8(f.type().code());
                schemas.u8(0);
                schemas.u16(0);
            }
        }

        Out aggregations = new Out();
        aggregations.u32(c.aggregations().size());
        for (AggregationSpec a : c.aggregations()) {
            aggregations.u32(str(a.name()));
            aggregations.u8(a.kind().code());
            aggregations.u8(0);
            aggregations.u16(0);
            aggregations.u64(a.min());
            aggregations.u64(a.max());
            aggregations.u64(a.step());
        }

        Out pool = new Out();
        pool.u32(strings.size());
        for (String s : strings.keySet()) {
            byte[] b = Bytes.toArray(s);
            pool.u32(b.length);
            pool.bytes(b);
        }

        Out body = new Out();
        section(body, ChunkFormat.SECTION_STRINGS, pool);
        section(body, ChunkFormat.SECTION_INFO, info);
        section(body, ChunkFormat.SECTION_LIMITS, limits);
        section(body, ChunkFormat.SECTION_GLOBALS, globals);
        section(body, ChunkFormat.SECTION_PROTOS, protos);
        section(body, ChunkFormat.SECTION_PROBES, probes);
        section(body, ChunkFormat.SECTION_ENDS, ends);
        section(body, ChunkFormat.SECTION_SCHEMAS, schemas);
        section(body, ChunkFormat.SECTION_AGGREGATIONS, aggregations);

        int total = ChunkFormat.HEADER_SIZE + body.size() + ChunkFormat.TRAILER_SIZE;
        Out file = new Out();
        file.bytes(ChunkFormat.MAGIC);
        file.u16(ChunkFormat.VERSION);
        file.u16(ChunkFormat.HEADER_SIZE);
        file.u32(ChunkFormat.BYTE_ORDER_MARK);
        file.u32(0);
        file.u32(total);
        file.bytes(body.toByteArray());
        CRC32 crc = new CRC32();
        byte[] sofar = file.toByteArray();
        crc.update(sofar, 0, sofar.length);
        file.u32((int) crc.getValue());
        return file.toByteArray();
    }

    private void proto(Out o, Proto p) {
        o.u32(str(p.name()));
        o.u32(p.line());
        o.u32(p.isRoot() ? NONE : p.parent());
        o.u8(p.numParams());
        o.u8(p.variadic() ? ChunkFormat.PROTO_VARIADIC : 0);
        o.u8(p.frameSize());
        o.u8(0);
        o.u32(p.upvalues().size());
        for (UpvalueDesc u : p.upvalues()) {
            o.u8(u.inStack() ? 1 : 0);
            o.u8(u.index());
            o.u16(0);
            o.u32(str(u.name()));
        }
        o.u32(p.constants().size());
        for (Constant k : p.constants()) {
            if (k instanceof Constant.Int i) {
                o.u8(ChunkFormat.CONST_INT);
                o.u64(i.value());
            } else {
                o.u8(ChunkFormat.CONST_STR);
                o.u32(str(((Constant.Str) k).value()));
            }
        }
        o.u32(p.codeLength());
        for (int pc = 0; pc < p.codeLength(); pc++) {
            o.u32(p.instruction(pc));
        }
        for (int pc = 0; pc < p.codeLength(); pc++) {
            o.u32(p.lineAt(pc));
        }
    }

    private int str(String s) {
        return strings.computeIfAbsent(s, k -> strings.size());
    }

    private static void section(Out body, int id, Out payload) {
        body.u32(id);
        body.u32(payload.size());
        body.bytes(payload.toByteArray());
    }

    /** A little-endian byte sink. */
    private static final class Out extends ByteArrayOutputStream {
        void u8(int v) {
            write(v & 0xff);
        }

        void u16(int v) {
            u8(v);
            u8(v >>> 8);
        }

        void u32(int v) {
            u16(v);
            u16(v >>> 16);
        }

        void u64(long v) {
            u32((int) v);
            u32((int) (v >>> 32));
        }

        void bytes(byte[] b) {
            write(b, 0, b.length);
        }
    }
}
