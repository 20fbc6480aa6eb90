package io.ktap.bytecode;

import static io.ktap.bytecode.Ast.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ktap.trace.AggregationKind;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reader's structural rules, each with the offset and reason it reports. */
class ChunkReaderTest {

    private static final Chunk CHUNK = Listing.compile(program(var("g", num(1)), trace("a", "b", print(str("hi"))),
            traceEnd(print(name("g")))));
    private static final byte[] BYTES = ChunkWriter.write(CHUNK);

    private static ChunkFormatException reject(byte[] b) {
        return assertThrows(ChunkFormatException.class, () -> ChunkReader.read(b));
    }

    private static void assertRejected(byte[] b, long offset, String reason) {
        ChunkFormatException e = reject(b);
        assertEquals(reason, e.reason());
        assertEquals(offset, e.offset());
        assertEquals("offset " + offset + ": " + reason, e.getMessage());
    }

    /** The offset of the section with this id (its id field). */
    private static int section(byte[] b, int id) {
        int pos = ChunkFormat.HEADER_SIZE;
        while (true) {
            int found = u32(b, pos);
            if (found == id) {
                return pos;
            }
            pos += 8 + u32(b, pos + 4);
        }
    }

    private static int u32(byte[] b, int at) {
        return b[at] & 0xff | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static void put32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    /** A copy with a u32 replaced, the CRC made valid again. */
    private static byte[] with32(int at, int v) {
        byte[] b = BYTES.clone();
        put32(b, at, v);
        ChunkProperties.fixCrc(b);
        return b;
    }

    private static byte[] withByte(int at, int v) {
        byte[] b = BYTES.clone();
        b[at] = (byte) v;
        ChunkProperties.fixCrc(b);
        return b;
    }

    @Test
    void readsWhatWasWritten() throws ChunkFormatException {
        assertEquals(CHUNK, ChunkReader.read(BYTES));
        assertEquals(BYTES.length, u32(BYTES, 20));
    }

    @Test
    void r1TooShort() {
        assertRejected(new byte[0], 0, "expected at least 28 bytes (header and CRC), input ends after 0");
        assertRejected(Arrays.copyOf(BYTES, 27), 27, "expected at least 28 bytes (header and CRC), input ends after 27");
    }

    @Test
    void r2Magic() {
        byte[] b = BYTES.clone();
        b[3] = 'X';
        assertRejected(b, 3, "expected the magic \\x1bKTAPVM\\n: not a ktapvm chunk");
    }

    @Test
    void r3Version() {
        assertRejected(withByte(8, 1), 8, "expected format version 2, found 1");
        assertRejected(withByte(8, 3), 8, "expected format version 2, found 3");
    }

    @Test
    void r4HeaderSize() {
        assertRejected(withByte(10, 25), 10, "expected header size 24, found 25");
    }

    @Test
    void r5ByteOrder() {
        assertRejected(with32(12, Integer.reverseBytes(ChunkFormat.BYTE_ORDER_MARK)), 12,
                "expected byte-order mark 04 03 02 01 (little-endian), found 04030201");
    }

    @Test
    void r6Flags() {
        assertRejected(with32(16, 1), 16, "expected flags 0 (none are defined), found 0x1");
    }

    @Test
    void r7TotalLength() {
        byte[] longer = Arrays.copyOf(BYTES, BYTES.length + 1);
        assertRejected(longer, 20, "header says the chunk is " + BYTES.length + " bytes long, input has " + longer.length);
    }

    @Test
    void r8Crc() {
        byte[] b = BYTES.clone();
        b[100] ^= 1;
        ChunkFormatException e = reject(b);
        assertEquals(BYTES.length - 4, e.offset());
        assertEquals(true, e.reason().startsWith("CRC-32 mismatch: stored "));
    }

    @Test
    void r9SectionOrderAndLength() {
        int limits = section(BYTES, ChunkFormat.SECTION_LIMITS);
        assertRejected(with32(limits, ChunkFormat.SECTION_GLOBALS), limits,
                "expected section 3 (LIMITS), found section id 4");
        int schemas = section(BYTES, ChunkFormat.SECTION_SCHEMAS);
        assertRejected(with32(schemas + 4, 100), schemas + 4, "section SCHEMAS claims 100 bytes, only 16 remain before the CRC");
        int aggregations = section(BYTES, ChunkFormat.SECTION_AGGREGATIONS);
        assertRejected(with32(aggregations + 4, 100), aggregations + 4,
                "section AGGREGATIONS claims 100 bytes, only 4 remain before the CRC");
    }

    @Test
    void r10PayloadConsumedExactly() {
        int ends = section(BYTES, ChunkFormat.SECTION_ENDS);
        // ENDS claims 8 bytes: its count (1) and one index; make it claim 4 more bytes taken from SCHEMAS
        byte[] b = with32(ends + 4, u32(BYTES, ends + 4) + 4);
        ChunkFormatException e = reject(b);
        assertEquals(ends + 8 + 8, e.offset());
        assertEquals("expected the end of the section, 4 unread bytes remain", e.reason());
        // LIMITS has a fixed size
        int limits = section(BYTES, ChunkFormat.SECTION_LIMITS);
        assertRejected(with32(limits + 4, 40), limits + 4, "expected a LIMITS payload of 44 bytes, found 40");
    }

    @Test
    void r10TrailingBytesBeforeTheCrc() {
        byte[] b = Arrays.copyOf(BYTES, BYTES.length + 4);
        System.arraycopy(BYTES, BYTES.length - 4, b, BYTES.length, 4);
        put32(b, BYTES.length - 4, 0);
        put32(b, 20, b.length);
        ChunkProperties.fixCrc(b);
        assertRejected(b, BYTES.length - 4, "expected the CRC-32 trailer after the last section, found 4 more bytes");
    }

    @Test
    void r11CountsNeedTheirBytes() {
        int globals = section(BYTES, ChunkFormat.SECTION_GLOBALS);
        assertRejected(with32(globals + 8, 1_000_000), globals + 8,
                "count of 1000000 globals needs at least 4000000 bytes, only 4 remain in the section");
        int strings = section(BYTES, ChunkFormat.SECTION_STRINGS);
        assertRejected(with32(strings + 12, 1 << 21), strings + 12, "string 0 of 2097152 bytes exceeds the maximum of 1048576");
    }

    @Test
    void r12StringIndices() {
        int info = section(BYTES, ChunkFormat.SECTION_INFO);
        int strings = u32(BYTES, section(BYTES, ChunkFormat.SECTION_STRINGS) + 8);
        assertRejected(with32(info + 8, strings), info + 8, "expected a string index below " + strings + ", found " + strings);
        assertRejected(with32(info + 8, -1), info + 8, "expected a string index below " + strings + ", found NONE");
    }

    @Test
    void r13TagsAndReservedBytes() {
        int protos = section(BYTES, ChunkFormat.SECTION_PROTOS);
        int first = protos + 12;
        // name, line, parent, then params, flags, frame size, reserved
        assertRejected(withByte(first + 13, 2), first + 13, "expected prototype flags 0 or 1 (variadic), found 2");
        assertRejected(withByte(first + 15, 1), first + 15, "expected a reserved byte 0");
        int probes = section(BYTES, ChunkFormat.SECTION_PROBES);
        assertRejected(withByte(probes + 12, 12), probes + 12, "expected a probe kind 1..11, found 12");
        assertRejected(withByte(probes + 12, 0), probes + 12, "expected a probe kind 1..11, found 0");
        assertRejected(withByte(probes + 13, 1), probes + 13, "expected a reserved byte 0");
    }

    @Test
    void aggregationsRoundTripAndTheirKindsAndReservedBytesAreChecked() throws ChunkFormatException {
        Chunk c = new Chunk(CHUNK.source(), CHUNK.limits(), CHUNK.globals(), CHUNK.protos(), CHUNK.endProtos(),
                CHUNK.probes(), CHUNK.schemas(), List.of(new AggregationSpec("s", AggregationKind.LHIST, -5, 5, 1),
                        new AggregationSpec("", AggregationKind.COUNT, 0, 0, 0)));
        byte[] b = ChunkWriter.write(c);
        assertEquals(c, ChunkReader.read(b));
        // id, length, count, then the first descriptor: name, kind, 3 reserved bytes, min, max, step
        int kind = section(b, ChunkFormat.SECTION_AGGREGATIONS) + 12 + 4;
        byte[] bad = b.clone();
        bad[kind] = 9;
        ChunkProperties.fixCrc(bad);
        ChunkFormatException e = assertThrows(ChunkFormatException.class, () -> ChunkReader.read(bad));
        assertEquals(kind, e.offset());
        assertEquals("expected an aggregation kind (1 count .. 8 lhist), found 9", e.reason());
        byte[] reserved = b.clone();
        reserved[kind + 2] = 1;
        ChunkProperties.fixCrc(reserved);
        e = assertThrows(ChunkFormatException.class, () -> ChunkReader.read(reserved));
        assertEquals("expected a reserved byte 0", e.reason());
    }

    @Test
    void r13ConstantTags() {
        // the handler (prototype 1) has one constant, "hi": find its tag after the header fields
        Chunk one = new Chunk("s", Limits.DEFAULT, List.of(), List.of(new Proto("m", 0, Proto.NO_PARENT, 0, false, 1,
                List.of(), List.of(new Constant.Int(5)), new int[] {Ins.ad(Opcode.RET, 0, 1)}, new int[] {0})),
                List.of(), List.of(), List.of());
        byte[] b = ChunkWriter.write(one);
        int protos = section(b, ChunkFormat.SECTION_PROTOS);
        int tag = protos + 12 + 16 + 4 + 4;
        b[tag] = 3;
        ChunkProperties.fixCrc(b);
        assertRejected(b, tag, "expected a constant tag (1 integer, 2 string), found 3");
    }

    @Test
    void r14ValueRanges() {
        int protos = section(BYTES, ChunkFormat.SECTION_PROTOS);
        assertRejected(with32(protos + 12 + 4, -5), protos + 12 + 4, "expected line at most 2147483647, found 4294967291");
        int limits = section(BYTES, ChunkFormat.SECTION_LIMITS);
        assertRejected(with32(limits + 8 + 4, -1), limits + 8, "expected handler budget at most 2^63-1, found " + Long.toUnsignedString(0xFFFFFFFF_00000000L | Limits.DEFAULT.handlerBudget()));
        assertRejected(with32(limits + 8 + 16, -1), limits + 8 + 16, "expected max call depth at most 2147483647, found 4294967295");
    }
}
