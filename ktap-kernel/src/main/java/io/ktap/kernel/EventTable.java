package io.ktap.kernel;

import io.ktap.host.FieldFormat;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The event table of a LOAD request (ktapvm_uapi.h): for every (probe, event id) pair, the event's
 * name ({@code argname}) and own fields ({@code arg1..argN}, from the tracefs format) and the probe's
 * compiled filter. The module decodes raw records with it, within their bounds.
 */
public final class EventTable {

    static final int EVDESC = 24;
    static final int FIELDDESC = 8;
    static final int FILTER_OP = 48;
    static final int FILTER_STR = 32;
    static final int MAX_FIELDS = 64;

    /** Field kinds ({@code enum ktapvm_field_kind}). */
    static final int FIELD_INT = 1;
    static final int FIELD_CHARS = 2;
    static final int FIELD_DATA_LOC = 3;
    static final int FIELD_REL_LOC = 4;

    static final int EV_SYSCALL_ENTER = 1;

    /** One described event. */
    public record Entry(long id, int probe, String name, boolean syscallEnter, List<FieldFormat> fields,
                        List<FilterCompiler.Op> filter) {
        public Entry {
            Objects.requireNonNull(name, "name");
            fields = List.copyOf(fields);
            filter = List.copyOf(filter);
            if (fields.size() > MAX_FIELDS) {
                throw new KernelException("event " + name + " has " + fields.size() + " fields; at most "
                        + MAX_FIELDS + " are supported");
            }
        }
    }

    private EventTable() {
    }

    public static byte[] encode(List<Entry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Entry e : entries) {
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            ByteBuffer d = le(EVDESC);
            d.putLong(e.id()).putInt(e.probe()).putShort((short) name.length).putShort((short) e.fields().size())
                    .putShort((short) e.filter().size()).putShort((short) (e.syscallEnter() ? EV_SYSCALL_ENTER : 0))
                    .putInt(0);
            out.writeBytes(d.array());
            padded(out, name);
            for (FieldFormat f : e.fields()) {
                byte[] fname = f.name().getBytes(StandardCharsets.UTF_8);
                int[] ks = kindAndSize(f);
                ByteBuffer fd = le(FIELDDESC);
                fd.putShort((short) f.offset()).putShort((short) ks[1]).put((byte) ks[0]).put((byte) (f.signed() ? 1 : 0))
                        .putShort((short) fname.length);
                out.writeBytes(fd.array());
                padded(out, fname);
            }
            for (FilterCompiler.Op op : e.filter()) {
                ByteBuffer b = le(FILTER_OP);
                byte[] s = op.str().getBytes(StandardCharsets.UTF_8);
                b.put((byte) op.op()).put((byte) op.cmp()).put((byte) s.length).put((byte) 0).putInt(op.field())
                        .putLong(op.imm()).put(s);
                out.writeBytes(b.array());
            }
        }
        return out.toByteArray();
    }

    /**
     * The module's kind and size for a tracefs field: integers as they are, text fields as text,
     * other arrays as the integer in their first bytes.
     */
    static int[] kindAndSize(FieldFormat f) {
        return switch (f.kind()) {
            case INTEGER -> new int[] {FIELD_INT, f.size()};
            case CHAR_ARRAY -> new int[] {FIELD_CHARS, f.size()};
            case DATA_LOC_STRING -> new int[] {FIELD_DATA_LOC, 4};
            case REL_LOC_STRING -> new int[] {FIELD_REL_LOC, 4};
            default -> new int[] {FIELD_INT, f.size() >= 8 ? 8 : f.size() >= 4 ? 4 : f.size() >= 2 ? 2 : 1};
        };
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.nativeOrder());
    }

    private static void padded(ByteArrayOutputStream out, byte[] b) {
        out.writeBytes(b);
        out.writeBytes(new byte[((b.length + 7) & ~7) - b.length]);
    }
}
