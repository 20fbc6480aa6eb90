package io.ktap.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The layout of one trace event, as a tracefs {@code format} file describes it: its name and id,
 * the common fields, the event's own fields in order (these are {@code arg1..arg9}), and the
 * {@code print fmt} the kernel formats it with.
 *
 * <pre>{@code
 * EventFormat f = EventFormat.parse("sched", Files.readString(Path.of(
 *         "/sys/kernel/tracing/events/sched/sched_switch/format")));
 * }</pre>
 *
 * @param system   the subsystem ({@code sched}, {@code syscalls})
 * @param name     the event's name ({@code sched_switch})
 * @param id       the event id
 * @param common   the common fields ({@code common_type}, {@code common_pid}, ...)
 * @param fields   the event's own fields, in format order
 * @param printFmt the text after {@code print fmt: }, or empty
 */
public record EventFormat(String system, String name, long id, List<Field> common, List<Field> fields, String printFmt) {

    public EventFormat {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(name, "name");
        common = List.copyOf(common);
        fields = List.copyOf(fields);
        Objects.requireNonNull(printFmt, "printFmt");
    }

    /**
     * One field: {@code field:TYPE NAME; offset:N; size:N; signed:N;}.
     *
     * @param type    the C type as written, array brackets and {@code __data_loc} included
     * @param name    the field's name
     * @param size    its size in bytes
     * @param signed  whether it is signed
     * @param isString whether it holds text: a {@code char} array or a {@code __data_loc char[]}
     */
    public record Field(String type, String name, int offset, int size, boolean signed, boolean isString) {
        public Field {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(name, "name");
        }

        /** A numeric field of {@code size} bytes. */
        public static Field number(String type, String name, int size, boolean signed) {
            return new Field(type, name, 0, size, signed, false);
        }

        /** A text field. */
        public static Field string(String name) {
            return new Field("__data_loc char[]", name, 0, 4, false, true);
        }

        /**
         * The width in bytes of the field's C type (an {@code int} held in an 8-byte syscall slot is
         * 4), used to print it as the kernel does; the field size when the type is unknown.
         */
        public int typeWidth() {
            String t = type.replace("const ", "").replace("volatile ", "").trim();
            if (t.contains("*")) {
                return 8;
            }
            return switch (t) {
                case "char", "unsigned char", "signed char", "u8", "s8", "__u8", "__s8", "bool", "_Bool" -> 1;
                case "short", "unsigned short", "short int", "u16", "s16", "__u16", "__s16", "umode_t" -> 2;
                case "int", "unsigned int", "unsigned", "u32", "s32", "__u32", "__s32", "pid_t", "uid_t", "gid_t",
                        "key_t", "clockid_t", "qid_t", "timer_t", "mqd_t", "rwf_t" -> 4;
                case "long", "unsigned long", "long long", "unsigned long long", "u64", "s64", "__u64", "__s64",
                        "size_t", "ssize_t", "loff_t", "off_t", "time_t", "key_serial_t", "aio_context_t",
                        "cap_user_header_t", "cap_user_data_t" -> 8;
                default -> size;
            };
        }
    }

    /** {@code system:name}. */
    public String qualifiedName() {
        return system + ":" + name;
    }

    /** The position of field {@code name} among {@link #fields()}, 1-based, or 0. */
    public int fieldIndex(String fieldName) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(fieldName)) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The field named {@code name}, common fields included. */
    public Optional<Field> field(String fieldName) {
        for (Field f : common) {
            if (f.name().equals(fieldName)) {
                return Optional.of(f);
            }
        }
        int i = fieldIndex(fieldName);
        return i == 0 ? Optional.empty() : Optional.of(fields.get(i - 1));
    }

    /** The common fields every event of this kernel starts with. */
    public static List<Field> standardCommon() {
        return List.of(new Field("unsigned short", "common_type", 0, 2, false, false),
                new Field("unsigned char", "common_flags", 2, 1, false, false),
                new Field("unsigned char", "common_preempt_count", 3, 1, false, false),
                new Field("int", "common_pid", 4, 4, true, false));
    }

    /**
     * Parses the text of a tracefs {@code format} file.
     *
     * @param system the subsystem, which the file itself does not name (it is the directory above)
     * @throws IllegalArgumentException when the text is not a format file, with the line at fault
     */
    public static EventFormat parse(String system, String text) {
        String name = null;
        long id = -1;
        String printFmt = "";
        List<Field> common = new ArrayList<>();
        List<Field> fields = new ArrayList<>();
        boolean sawBlank = false;
        String[] lines = text.split("\n", -1);
        for (int ln = 0; ln < lines.length; ln++) {
            String line = lines[ln].strip();
            if (line.isEmpty()) {
                if (!common.isEmpty()) {
                    sawBlank = true;
                }
                continue;
            }
            if (line.startsWith("name:")) {
                name = line.substring(5).strip();
            } else if (line.startsWith("ID:")) {
                try {
                    id = Long.parseLong(line.substring(3).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + (ln + 1) + ": malformed ID '" + line + "'");
                }
            } else if (line.equals("format:")) {
                continue;
            } else if (line.startsWith("field:")) {
                Field f = parseField(line, ln + 1);
                if (!sawBlank && f.name().startsWith("common_")) {
                    common.add(f);
                } else {
                    fields.add(f);
                }
            } else if (line.startsWith("print fmt:")) {
                // The print fmt runs to the end of the file: its format string may hold a newline
                // (ext4:ext4_fc_stats does).
                StringBuilder fmt = new StringBuilder(line.substring("print fmt:".length()));
                for (int more = ln + 1; more < lines.length; more++) {
                    fmt.append('\n').append(lines[more]);
                }
                printFmt = fmt.toString().strip();
                break;
            } else {
                throw new IllegalArgumentException("line " + (ln + 1) + ": not a format file line: '" + line + "'");
            }
        }
        if (name == null) {
            throw new IllegalArgumentException("format file has no 'name:' line");
        }
        if (id < 0) {
            throw new IllegalArgumentException("format file of " + name + " has no 'ID:' line");
        }
        return new EventFormat(system, name, id, common, fields, printFmt);
    }

    private static Field parseField(String line, int ln) {
        // field:char prev_comm[16];	offset:8;	size:16;	signed:0;
        String decl = null;
        int offset = -1;
        int size = -1;
        int signed = -1;
        for (String part : line.split(";")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("line " + ln + ": malformed field '" + line + "'");
            }
            String key = p.substring(0, colon).strip();
            String value = p.substring(colon + 1).strip();
            try {
                switch (key) {
                    case "field" -> decl = value;
                    case "offset" -> offset = Integer.parseInt(value);
                    case "size" -> size = Integer.parseInt(value);
                    case "signed" -> signed = Integer.parseInt(value);
                    default -> {
                        // Newer kernels may add attributes; they do not change the layout we need.
                    }
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + ln + ": malformed " + key + " in '" + line + "'");
            }
        }
        if (decl == null || offset < 0 || size < 0 || signed < 0) {
            throw new IllegalArgumentException("line " + ln + ": incomplete field '" + line + "'");
        }
        String d = decl.strip();
        int nameEnd = d.length();
        String arraySuffix = "";
        int bracket = d.indexOf('[');
        if (bracket >= 0 && d.endsWith("]") && !d.startsWith("__data_loc")) {
            arraySuffix = d.substring(bracket);
            nameEnd = bracket;
        }
        String head = d.substring(0, nameEnd).strip();
        int sp = Math.max(head.lastIndexOf(' '), head.lastIndexOf('*'));
        if (sp < 0) {
            throw new IllegalArgumentException("line " + ln + ": field declaration without a type: '" + decl + "'");
        }
        String name = head.substring(sp + 1).strip();
        String type = (head.substring(0, sp + 1).strip() + arraySuffix).strip();
        if (d.startsWith("__data_loc")) {
            // __data_loc char[] filename
            int last = d.lastIndexOf(' ');
            name = d.substring(last + 1);
            type = d.substring(0, last).strip();
        }
        boolean isString = (type.startsWith("char") || type.startsWith("const char") || type.startsWith("unsigned char"))
                && type.contains("[") || type.startsWith("__data_loc char");
        return new Field(type, name, offset, size, signed != 0, isString);
    }
}
