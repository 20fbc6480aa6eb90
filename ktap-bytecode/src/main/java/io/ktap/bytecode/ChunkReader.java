package io.ktap.bytecode;

import static io.ktap.bytecode.ChunkFormat.NONE;

import io.ktap.trace.AggregationKind;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Reads the binary chunk format into a {@link Chunk}, checking its structure (the reader rules
 * R1-R14 of src/site/markdown/bytecode.md): magic, version, byte order, lengths, CRC, section
 * order and sizes, counts against the bytes that remain, string indices, tags and reserved bytes. Cross references between
 * parts of the chunk (registers, constants, prototypes, jumps ...) are the {@link Verifier}'s.
 *
 * <p>Any input either yields a chunk or a {@link ChunkFormatException} naming the offset and what
 * was expected there; no other exception escapes, and nothing is allocated beyond what the input's
 * length can justify.
 */
public final class ChunkReader {

    private static final long MAX_INT = Integer.MAX_VALUE;

    private final byte[] in;
    private int pos;
    /** The end of the current section's payload. */
    private int limit;
    private List<String> strings = List.of();

    private ChunkReader(byte[] in) {
        this.in = in;
        this.limit = in.length;
    }

    /** Reads a chunk from {@code bytes}. */
    public static Chunk read(byte[] bytes) throws ChunkFormatException {
        return new ChunkReader(bytes).chunk();
    }

    private Chunk chunk() throws ChunkFormatException {
        if (in.length > ChunkFormat.MAX_FILE_BYTES) {
            throw new ChunkFormatException(0, "chunk of " + in.length + " bytes exceeds the format's maximum of "
                    + ChunkFormat.MAX_FILE_BYTES);
        }
        if (in.length < ChunkFormat.HEADER_SIZE + ChunkFormat.TRAILER_SIZE) {
            throw new ChunkFormatException(in.length, "expected at least " + (ChunkFormat.HEADER_SIZE + ChunkFormat.TRAILER_SIZE)
                    + " bytes (header and CRC), input ends after " + in.length);
        }
        for (int i = 0; i < ChunkFormat.MAGIC.length; i++) {
            if (in[i] != ChunkFormat.MAGIC[i]) {
                throw new ChunkFormatException(i, "expected the magic \\x1bKTAPVM\\n: not a ktapvm chunk");
            }
        }
        pos = ChunkFormat.MAGIC.length;
        int version = u16();
        if (version != ChunkFormat.VERSION) {
            throw new ChunkFormatException(8, "expected format version " + ChunkFormat.VERSION + ", found " + version);
        }
        int headerSize = u16();
        if (headerSize != ChunkFormat.HEADER_SIZE) {
            throw new ChunkFormatException(10, "expected header size " + ChunkFormat.HEADER_SIZE + ", found " + headerSize);
        }
        int bom = (int) u32();
        if (bom != ChunkFormat.BYTE_ORDER_MARK) {
            throw new ChunkFormatException(12, String.format("expected byte-order mark 04 03 02 01 (little-endian), found %08x", bom));
        }
        long flags = u32();
        if (flags != 0) {
            throw new ChunkFormatException(16, "expected flags 0 (none are defined), found 0x" + Long.toHexString(flags));
        }
        long total = u32();
        if (total != in.length) {
            throw new ChunkFormatException(20, "header says the chunk is " + total + " bytes long, input has " + in.length);
        }
        int crcAt = in.length - ChunkFormat.TRAILER_SIZE;
        CRC32 crc = new CRC32();
        crc.update(in, 0, crcAt);
        pos = crcAt;
        long stored = u32();
        if (stored != crc.getValue()) {
            throw new ChunkFormatException(crcAt, String.format("CRC-32 mismatch: stored %08x, computed %08x", stored, crc.getValue()));
        }
        pos = ChunkFormat.HEADER_SIZE;
        limit = crcAt;

        enter(ChunkFormat.SECTION_STRINGS);
        strings = stringPool();
        leave();

        enter(ChunkFormat.SECTION_INFO);
        String source = string();
        leave();

        enter(ChunkFormat.SECTION_LIMITS);
        int limitsAt = pos;
        if (limit - pos != ChunkFormat.LIMITS_SIZE) {
            throw new ChunkFormatException(limitsAt - 4, "expected a LIMITS payload of " + ChunkFormat.LIMITS_SIZE
                    + " bytes, found " + (limit - pos));
        }
        Limits limits = new Limits(u63("handler budget"), u63("main budget"), u31("max call depth"),
                u31("max stack slots"), u31("max string length"), u31("max tables"), u31("max table entries"),
                u31("string pool bytes"), u31("max closures"));
        leave();

        enter(ChunkFormat.SECTION_GLOBALS);
        int n = count(4, "globals");
        List<String> globals = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            globals.add(string());
        }
        leave();

        enter(ChunkFormat.SECTION_PROTOS);
        n = count(28, "prototypes");
        List<Proto> protos = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            protos.add(proto());
        }
        leave();

        enter(ChunkFormat.SECTION_PROBES);
        n = count(28, "probes");
        List<ProbeEntry> probes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            probes.add(probe());
        }
        leave();

        enter(ChunkFormat.SECTION_ENDS);
        n = count(4, "end blocks");
        List<Integer> ends = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ends.add(u31("end block prototype index"));
        }
        leave();

        enter(ChunkFormat.SECTION_SCHEMAS);
        n = count(8, "schemas");
        List<RecordSchema> schemas = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = string();
            int nf = count(8, "schema fields");
            List<RecordSchema.Field> fields = new ArrayList<>(nf);
            for (int f = 0; f < nf; f++) {
                String fname = string();
                int at = pos;
                int code = u8();
                RecordSchema.FieldType type = RecordSchema.FieldType.byCode(code).orElse(null);
                if (type == null) {
                    throw new ChunkFormatException(at, "expected a field type (1 number, 2 string, 3 boolean, 4 any), found " + code);
                }
                reserved(3);
                fields.add(new RecordSchema.Field(fname, type));
            }
            schemas.add(new RecordSchema(name, fields));
        }
        leave();

        enter(ChunkFormat.SECTION_AGGREGATIONS);
        n = count(32, "aggregations");
        List<AggregationSpec> aggregations = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = string();
            int at = pos;
            int code = u8();
            AggregationKind kind = AggregationKind.byCode(code).orElse(null);
            if (kind == null) {
                throw new ChunkFormatException(at, "expected an aggregation kind (1 count .. 8 lhist), found " + code);
            }
            reserved(3);
            aggregations.add(new AggregationSpec(name, kind, u64(), u64(), u64()));
        }
        leave();

        if (pos != crcAt) {
            throw new ChunkFormatException(pos, "expected the CRC-32 trailer after the last section, found "
                    + (crcAt - pos) + " more bytes");
        }
        return new Chunk(source, limits, globals, protos, ends, probes, schemas, aggregations);
    }

    // ---- sections ---------------------------------------------------------------------------------

    private void enter(int id) throws ChunkFormatException {
        limit = in.length - ChunkFormat.TRAILER_SIZE;
        int at = pos;
        if (limit - pos < 8) {
            throw new ChunkFormatException(at, "expected section " + id + " (" + ChunkFormat.sectionName(id)
                    + "): id and length need 8 bytes, " + (limit - pos) + " remain");
        }
        long found = u32();
        if (found != id) {
            throw new ChunkFormatException(at, "expected section " + id + " (" + ChunkFormat.sectionName(id)
                    + "), found section id " + found);
        }
        long length = u32();
        if (length > limit - pos) {
            throw new ChunkFormatException(at + 4, "section " + ChunkFormat.sectionName(id) + " claims " + length
                    + " bytes, only " + (limit - pos) + " remain before the CRC");
        }
        limit = pos + (int) length;
    }

    private void leave() throws ChunkFormatException {
        if (pos != limit) {
            throw new ChunkFormatException(pos, "expected the end of the section, " + (limit - pos) + " unread bytes remain");
        }
    }

    private List<String> stringPool() throws ChunkFormatException {
        int n = count(4, "strings");
        if (n > ChunkFormat.MAX_STRINGS) {
            throw new ChunkFormatException(pos - 4, "expected at most " + ChunkFormat.MAX_STRINGS + " strings, found " + n);
        }
        List<String> pool = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int at = pos;
            long len = u32();
            if (len > ChunkFormat.MAX_STRING_BYTES) {
                throw new ChunkFormatException(at, "string " + i + " of " + len + " bytes exceeds the maximum of "
                        + ChunkFormat.MAX_STRING_BYTES);
            }
            need((int) len, "the " + len + " bytes of string " + i);
            pool.add(Bytes.of(in, pos, (int) len));
            pos += (int) len;
        }
        return pool;
    }

    private Proto proto() throws ChunkFormatException {
        String name = string();
        int line = u31("line");
        int parentAt = pos;
        long parent = u32();
        if (parent != (NONE & 0xffffffffL) && parent > MAX_INT) {
            throw new ChunkFormatException(parentAt, "expected a parent prototype index or NONE, found " + parent);
        }
        int numParams = u8();
        int flagsAt = pos;
        int flags = u8();
        if ((flags & ~ChunkFormat.PROTO_VARIADIC) != 0) {
            throw new ChunkFormatException(flagsAt, "expected prototype flags 0 or 1 (variadic), found " + flags);
        }
        int frameSize = u8();
        reserved(1);
        int nu = count(8, "upvalues");
        List<UpvalueDesc> upvalues = new ArrayList<>(nu);
        for (int i = 0; i < nu; i++) {
            int at = pos;
            int inStack = u8();
            if (inStack > 1) {
                throw new ChunkFormatException(at, "expected an upvalue's in-stack flag 0 or 1, found " + inStack);
            }
            int index = u8();
            reserved(2);
            upvalues.add(new UpvalueDesc(inStack == 1, index, string()));
        }
        int nk = count(5, "constants");
        List<Constant> constants = new ArrayList<>(nk);
        for (int i = 0; i < nk; i++) {
            int at = pos;
            int tag = u8();
            if (tag == ChunkFormat.CONST_INT) {
                constants.add(new Constant.Int(u64()));
            } else if (tag == ChunkFormat.CONST_STR) {
                constants.add(new Constant.Str(string()));
            } else {
                throw new ChunkFormatException(at, "expected a constant tag (1 integer, 2 string), found " + tag);
            }
        }
        int nc = count(8, "instructions");
        int[] code = new int[nc];
        for (int i = 0; i < nc; i++) {
            code[i] = (int) u32();
        }
        int[] lines = new int[nc];
        for (int i = 0; i < nc; i++) {
            lines[i] = u31("line table entry");
        }
        return new Proto(name, line, parent == (NONE & 0xffffffffL) ? Proto.NO_PARENT : (int) parent, numParams,
                (flags & ChunkFormat.PROTO_VARIADIC) != 0, frameSize, upvalues, constants, code, lines);
    }

    private ProbeEntry probe() throws ChunkFormatException {
        int at = pos;
        int code = u8();
        ProbeKind kind = ProbeKind.byCode(code).orElse(null);
        if (kind == null) {
            throw new ChunkFormatException(at, "expected a probe kind 1.." + ProbeKind.MAX_CODE + ", found " + code);
        }
        reserved(3);
        String spec = string();
        int filterAt = pos;
        long f = u32();
        String filter;
        if (f == (NONE & 0xffffffffL)) {
            filter = null;
        } else {
            pos = filterAt;
            filter = string();
        }
        int handler = u31("handler prototype index");
        long period = u63("timer period");
        int n = count(8, "event ids");
        List<Long> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(u64());
        }
        return new ProbeEntry(kind, spec, filter, handler, period, ids);
    }

    // ---- primitives -------------------------------------------------------------------------------

    private void need(int n, String what) throws ChunkFormatException {
        if (n > limit - pos) {
            throw new ChunkFormatException(pos, "expected " + what + ", only " + (limit - pos) + " bytes remain in the section");
        }
    }

    private int u8() throws ChunkFormatException {
        need(1, "a byte");
        return in[pos++] & 0xff;
    }

    private int u16() throws ChunkFormatException {
        need(2, "a 16-bit value");
        int v = in[pos] & 0xff | (in[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    private long u32() throws ChunkFormatException {
        need(4, "a 32-bit value");
        long v = (in[pos] & 0xffL) | (in[pos + 1] & 0xffL) << 8 | (in[pos + 2] & 0xffL) << 16 | (in[pos + 3] & 0xffL) << 24;
        pos += 4;
        return v;
    }

    private long u64() throws ChunkFormatException {
        need(8, "a 64-bit value");
        long lo = u32();
        long hi = u32();
        return lo | hi << 32;
    }

    /** A u32 that must fit a non-negative Java int. */
    private int u31(String what) throws ChunkFormatException {
        int at = pos;
        long v = u32();
        if (v > MAX_INT) {
            throw new ChunkFormatException(at, "expected " + what + " at most " + MAX_INT + ", found " + v);
        }
        return (int) v;
    }

    /** A u64 that must fit a non-negative Java long. */
    private long u63(String what) throws ChunkFormatException {
        int at = pos;
        long v = u64();
        if (v < 0) {
            throw new ChunkFormatException(at, "expected " + what + " at most 2^63-1, found " + Long.toUnsignedString(v));
        }
        return v;
    }

    /** A count of entries of at least {@code minEntryBytes} each, which the section's remaining bytes must be able to hold. */
    private int count(int minEntryBytes, String what) throws ChunkFormatException {
        int at = pos;
        long n = u32();
        if (n * minEntryBytes > limit - pos) {
            throw new ChunkFormatException(at, "count of " + n + " " + what + " needs at least " + n * minEntryBytes
                    + " bytes, only " + (limit - pos) + " remain in the section");
        }
        return (int) n;
    }

    private String string() throws ChunkFormatException {
        int at = pos;
        long i = u32();
        if (i >= strings.size()) {
            throw new ChunkFormatException(at, "expected a string index below " + strings.size() + ", found "
                    + (i == (NONE & 0xffffffffL) ? "NONE" : Long.toString(i)));
        }
        return strings.get((int) i);
    }

    private void reserved(int n) throws ChunkFormatException {
        for (int i = 0; i < n; i++) {
            int at = pos;
            if (u8() != 0) {
                throw new ChunkFormatException(at, "expected a reserved byte 0");
            }
        }
    }
}
