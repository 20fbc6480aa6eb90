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
 * Fields named {@code common_*} are the header every raw record starts with; the others are the
 * event's own, in declaration order. Unknown lines are ignored (newer kernels may add some).
 */
public final class FormatParser {
    private FormatParser() {
    }

    /**
     * Parses the text of {@code events/SYSTEM/EVENT/format}.
     *
     * @throws IllegalArgumentException if the text lacks a name or an id, or a field line is malformed
     */
    public static EventFormat parse(String system, String text) {
        String name = null;
        Integer id = null;
        String print = "";
        List<FieldFormat> common = new ArrayList<>();
        List<FieldFormat> fields = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("name:")) {
                name = line.substring(5).strip();
            } else if (line.startsWith("ID:")) {
                try {
                    id = Integer.parseInt(line.substring(3).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": bad event id: " + line, e);
                }
            } else if (line.startsWith("field:")) {
                FieldFormat f = parseField(line, i + 1);
                (f.common() ? common : fields).add(f);
            } else if (line.startsWith("print fmt:")) {
                print = line.substring("print fmt:".length()).strip();
            }
        }
        if (name == null || id == null) {
            throw new IllegalArgumentException("format of " + system + " lacks a name: or ID: line");
        }
        return new EventFormat(system, name, id, common, fields, print);
    }

    /** Parses one {@code field:DECL;\toffset:N;\tsize:N;\tsigned:N;} line. */
    static FieldFormat parseField(String line, int lineNumber) {
        String[] parts = line.split(";");
        String decl = null;
        int offset = -1;
        int size = -1;
        boolean signed = false;
        for (String raw : parts) {
            String part = raw.strip();
            if (part.startsWith("field:")) {
                decl = part.substring(6).strip();
            } else if (part.startsWith("offset:")) {
                offset = parseNumber(part.substring(7), line, lineNumber);
            } else if (part.startsWith("size:")) {
                size = parseNumber(part.substring(5), line, lineNumber);
            } else if (part.startsWith("signed:")) {
                signed = parseNumber(part.substring(7), line, lineNumber) != 0;
            }
        }
        if (decl == null || decl.isEmpty() || offset < 0 || size < 0) {
            throw new IllegalArgumentException("line " + lineNumber + ": malformed field: " + line);
        }
        // The name is the last identifier, optionally followed by an array suffix "[...]"
        // (whose contents may be an expression such as sizeof(struct sockaddr_in6)).
        int end = decl.length();
        String arraySuffix = "";
        if (decl.endsWith("]")) {
            int depth = 0;
            int open = -1;
            for (int i = decl.length() - 1; i >= 0; i--) {
                char c = decl.charAt(i);
                if (c == ']') {
                    depth++;
                } else if (c == '[' && --depth == 0) {
                    open = i;
                    break;
                }
            }
            if (open < 0) {
                throw new IllegalArgumentException("line " + lineNumber + ": unbalanced [] in field: " + line);
            }
            arraySuffix = decl.substring(open);
            end = open;
        }
        int start = end;
        while (start > 0 && isIdentifierPart(decl.charAt(start - 1))) {
            start--;
        }
        if (start == end) {
            throw new IllegalArgumentException("line " + lineNumber + ": field without a name: " + line);
        }
        String name = decl.substring(start, end);
        String baseType = decl.substring(0, start).strip();
        String type = arraySuffix.isEmpty() ? baseType : baseType + arraySuffix;
        boolean isCommon = name.startsWith("common_");
        return new FieldFormat(name, type, offset, size, signed, kindOf(baseType, arraySuffix, size), isCommon);
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

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static int parseNumber(String text, String line, int lineNumber) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("line " + lineNumber + ": bad number in field: " + line, e);
        }
    }
}
