package io.ktap.bytecode;

/**
 * Constants of the binary chunk format (documented byte by byte in src/site/markdown/bytecode.md).
 * All multi-byte values are little-endian.
 */
public final class ChunkFormat {

    /** The first 8 bytes: ESC, "KTAPVM", LF (the LF catches text-mode mangling, as PNG's does). */
    public static final byte[] MAGIC = {0x1b, 'K', 'T', 'A', 'P', 'V', 'M', '\n'};
    /** The format version this code writes and the only one it reads. */
    public static final int VERSION = 2;
    /** Bytes of the fixed header. */
    public static final int HEADER_SIZE = 24;
    /** The byte-order mark, written little-endian: bytes {@code 04 03 02 01}. */
    public static final int BYTE_ORDER_MARK = 0x01020304;
    /** Bytes of the CRC-32 trailer. */
    public static final int TRAILER_SIZE = 4;
    /** "No index" in a u32 index field (a root prototype's parent, a probe without filter). */
    public static final int NONE = 0xffffffff;

    /** Section ids, in the order the sections must appear. */
    public static final int SECTION_STRINGS = 1;
    public static final int SECTION_INFO = 2;
    public static final int SECTION_LIMITS = 3;
    public static final int SECTION_GLOBALS = 4;
    public static final int SECTION_PROTOS = 5;
    public static final int SECTION_PROBES = 6;
    public static final int SECTION_ENDS = 7;
    public static final int SECTION_SCHEMAS = 8;
    public static final int SECTION_AGGREGATIONS = 9;
    public static final int SECTION_COUNT = 9;

    /** Bytes of the LIMITS payload. */
    public static final int LIMITS_SIZE = 8 + 8 + 7 * 4;

    /** Constant tags. */
    public static final int CONST_INT = 1;
    public static final int CONST_STR = 2;

    /** Prototype flag: the function is variadic. */
    public static final int PROTO_VARIADIC = 1;

    /** Format ceilings the reader enforces before allocating anything. */
    public static final int MAX_STRINGS = 1 << 20;
    public static final int MAX_STRING_BYTES = 1 << 20;
    public static final int MAX_FILE_BYTES = 1 << 28;

    private ChunkFormat() {
    }

    /** The name of a section id, for messages. */
    public static String sectionName(int id) {
        return switch (id) {
            case SECTION_STRINGS -> "STRINGS";
            case SECTION_INFO -> "INFO";
            case SECTION_LIMITS -> "LIMITS";
            case SECTION_GLOBALS -> "GLOBALS";
            case SECTION_PROTOS -> "PROTOS";
            case SECTION_PROBES -> "PROBES";
            case SECTION_ENDS -> "ENDS";
            case SECTION_SCHEMAS -> "SCHEMAS";
            case SECTION_AGGREGATIONS -> "AGGREGATIONS";
            default -> "unknown";
        };
    }
}
