package io.ktap.host;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a tracefs event {@code format} file:
 *
 * <pre>
 * name: sched_switch
 * ID: 372
 * format:
 * 	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 * 	...
 *
 * 	field:char prev_comm[16];	offset:8;	size:16;	signed:0;
 * 	field:__data_loc char[] name;	offset:24;	size:4;	signed:0;
 *
 * print fmt: "prev_comm=%s ...", REC->prev_comm, ...
 * </pre>
 *
 * The text is parsed by the one format-file parser of the project, {@link io.ktap.sim.EventFormat#parse}
 * (shared with the simulated kernel); this class adds what the ring decoder needs: how each field's
 * slot is decoded ({@link FieldFormat.Kind}). Fields named {@code common_*} are the header every raw
 * record starts with; the others are the event's own, in declaration order.
 */
public final class FormatParser {
    private FormatParser() {
    }

    /**
     * Parses the text of {@code events/SYSTEM/EVENT/format}.
     *
     * @throws IllegalArgumentException if the text lacks a name or an id, or a line is malformed
     */
    public static EventFormat parse(String system, String text) {
        io.ktap.sim.EventFormat parsed = io.ktap.sim.EventFormat.parse(system, text);
        if (parsed.id() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("event id " + parsed.id() + " of " + parsed.qualifiedName()
                    + " is out of range");
        }
        List<FieldFormat> common = new ArrayList<>();
        for (io.ktap.sim.EventFormat.Field f : parsed.common()) {
            common.add(convert(f, true));
        }
        List<FieldFormat> fields = new ArrayList<>();
        for (io.ktap.sim.EventFormat.Field f : parsed.fields()) {
            fields.add(convert(f, false));
        }
        return new EventFormat(system, parsed.name(), (int) parsed.id(), common, fields, parsed.printFmt());
    }

    private static FieldFormat convert(io.ktap.sim.EventFormat.Field f, boolean common) {
        String type = f.type();
        String base = type;
        String arraySuffix = "";
        if (type.endsWith("]") && !type.startsWith("__data_loc") && !type.startsWith("__rel_loc")) {
            int open = matchingOpen(type);
            base = type.substring(0, open).strip();
            arraySuffix = type.substring(open);
        }
        return new FieldFormat(f.name(), type, f.offset(), f.size(), f.signed(), kindOf(base, arraySuffix, f.size()),
                common);
    }

    /** The index of the {@code [} that opens the array suffix ending the type (which may nest). */
    private static int matchingOpen(String type) {
        int depth = 0;
        for (int i = type.length() - 1; i >= 0; i--) {
            char c = type.charAt(i);
            if (c == ']') {
                depth++;
            } else if (c == '[' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced [] in field type '" + type + "'");
    }

    private static FieldFormat.Kind kindOf(String baseType, String arraySuffix, int size) {
        boolean dataLoc = baseType.startsWith("__data_loc");
        boolean relLoc = baseType.startsWith("__rel_loc");
        if (dataLoc || relLoc) {
            String element = baseType.substring(dataLoc ? "__data_loc".length() : "__rel_loc".length()).strip();
            boolean chars = element.equals("char[]") || element.equals("const char[]");
            if (dataLoc) {
                return chars ? FieldFormat.Kind.DATA_LOC_STRING : FieldFormat.Kind.DATA_LOC_ARRAY;
            }
            return chars ? FieldFormat.Kind.REL_LOC_STRING : FieldFormat.Kind.REL_LOC_ARRAY;
        }
        if (!arraySuffix.isEmpty()) {
            // char arrays are strings (comm, names); unsigned char/u8 arrays are binary (addresses).
            boolean chars = baseType.equals("char") || baseType.equals("const char")
                    || baseType.equals("signed char");
            return chars ? FieldFormat.Kind.CHAR_ARRAY : FieldFormat.Kind.BYTES;
        }
        return size == 1 || size == 2 || size == 4 || size == 8 ? FieldFormat.Kind.INTEGER : FieldFormat.Kind.BYTES;
    }
}
