package io.ktap.host;

import io.ktap.bytecode.ProbeKind;
import io.ktap.host.internal.Errno;
import io.ktap.host.internal.LibC;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Resolves the probes of a ktap program into events attached to a {@link HostTracer}: tracepoint
 * globs against {@code available_events}, uprobes and uretprobes on ELF symbols, kprobes where the
 * kernel has them, SDT markers from {@code .note.stapsdt}, and the function event. Each resolved
 * event comes with the {@link EventShape} its handler sees. A tracefs event attached by several
 * probes with the same filter is attached once and feeds each of their handlers.
 */
final class HostProbes {

    /** One event a probe resolved to. */
    record Resolved(AttachedEvent event, EventShape shape) {
    }

    private final HostTracer tracer;
    private final Map<String, Resolved> shared = new HashMap<>();

    HostProbes(HostTracer tracer) {
        this.tracer = tracer;
    }

    /**
     * Attaches the events of one probe (an EVENTDEF of a {@code trace} block, or the spec given
     * to {@code kdebug.probe}).
     *
     * @throws HostException with a message for the user when it cannot be resolved or attached
     */
    List<Resolved> attach(ProbeKind kind, String spec, String filter) throws HostException {
        return switch (kind) {
            case TRACEPOINT -> tracepoints(strip(spec, "tp:"), filter);
            case KPROBE, KRETPROBE -> List.of(kprobe(spec, kind == ProbeKind.KRETPROBE, filter));
            case UPROBE, URETPROBE -> List.of(uprobe(spec, kind == ProbeKind.URETPROBE, filter));
            case SDT -> sdt(spec, filter);
            case FTRACE_FUNCTION -> List.of(function(filter));
            case TICK, PROFILE -> throw new IllegalArgumentException("timers are not events: " + spec);
            case PERF_EVENT, BREAKPOINT -> throw new IllegalArgumentException("perf counters are attached apart: " + spec);
        };
    }

    /** The early API's probe strings: {@code tp:syscalls}, {@code tp:sched:sched_switch}, {@code id:N}, EVENTDEFs. */
    List<Resolved> attachDynamic(String spec) throws HostException {
        if (spec.startsWith("id:")) {
            long id;
            try {
                id = Long.parseLong(spec.substring(3).strip());
            } catch (NumberFormatException e) {
                throw new HostException("bad event id in '" + spec + "'");
            }
            return List.of(tracepoint(byId(id), null));
        }
        if (spec.startsWith("probe:/")) {
            return attach(spec.contains("%return") ? ProbeKind.URETPROBE : ProbeKind.UPROBE, spec, null);
        }
        if (spec.startsWith("probe:")) {
            return attach(spec.contains("%return") ? ProbeKind.KRETPROBE : ProbeKind.KPROBE, spec, null);
        }
        if (spec.startsWith("sdt:")) {
            return attach(ProbeKind.SDT, spec, null);
        }
        if (spec.equals("ftrace:function")) {
            return attach(ProbeKind.FTRACE_FUNCTION, spec, null);
        }
        String tp = strip(spec, "tp:");
        if (!tp.matches("[A-Za-z0-9_*?\\[\\]!-]+(:[A-Za-z0-9_*?\\[\\]!-]+)?")) {
            throw new HostException("'" + spec + "' is not a probe");
        }
        // The early API's "tp:syscalls" names a whole subsystem.
        return tracepoints(tp.contains(":") ? tp : tp + ":*", null);
    }

    // ---- tracepoints ------------------------------------------------------------------------------

    private List<Resolved> tracepoints(String glob, String filter) throws HostException {
        if (glob.matches("[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+")) {
            // One event by its exact name: no need to read (and glob) all of available_events.
            EventRef e = EventRef.parse(glob);
            if (tracer.tracefs().exists(e)) {
                return List.of(tracepoint(e, filter));
            }
        }
        List<EventRef> events = tracer.tracefs().resolve(glob);
        if (events.isEmpty()) {
            throw new HostException("no tracepoint matches '" + glob + "' (see the events with ktap -le)");
        }
        List<Resolved> out = new ArrayList<>();
        for (EventRef e : events) {
            out.add(tracepoint(e, filter));
        }
        return out;
    }

    private Resolved tracepoint(EventRef e, String filter) throws HostException {
        String key = e + "\u0000" + (filter == null ? "" : filter);
        Resolved r = shared.get(key);
        if (r == null) {
            AttachedEvent a;
            try {
                a = tracer.attachTracepoint(e, filter);
            } catch (HostException ex) {
                throw filter == null ? ex : new HostException("event filter '" + filter + "' on " + e + ": "
                        + ex.getMessage() + " (filters use the kernel's syntax over the event's fields)", ex);
            }
            r = new Resolved(a, EventShape.of(e.event(), a.format().orElseThrow()));
            shared.put(key, r);
        }
        return r;
    }

    private EventRef byId(long id) throws HostException {
        Path events = tracer.tracefs().root().resolve("events");
        try (DirectoryStream<Path> systems = Files.newDirectoryStream(events, Files::isDirectory)) {
            for (Path system : systems) {
                try (DirectoryStream<Path> names = Files.newDirectoryStream(system, Files::isDirectory)) {
                    for (Path event : names) {
                        Path idFile = event.resolve("id");
                        if (Files.isRegularFile(idFile) && Files.readString(idFile).strip().equals(Long.toString(id))) {
                            return new EventRef(system.getFileName().toString(), event.getFileName().toString());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new HostException("cannot list " + events + ": " + e.getMessage(), e);
        }
        throw new HostException("no event has id " + id);
    }

    // ---- kprobes and uprobes --------------------------------------------------------------------

    /** {@code probe:SYMBOL[+OFF][%return] [name=fetch ...]}. */
    private Resolved kprobe(String spec, boolean ret, String filter) throws HostException {
        String[] parts = strip(spec, "probe:").strip().split("\\s+");
        String where = parts[0].replace("%return", "");
        String symbol = where;
        long offset = 0;
        int plus = where.indexOf('+');
        if (plus >= 0) {
            symbol = where.substring(0, plus);
            offset = parseNumber(where.substring(plus + 1), spec);
        }
        AttachedEvent a = tracer.attachKprobe(symbol, offset, ret, fetchArgs(parts), filter);
        return new Resolved(a, EventShape.probe(symbol + (ret ? "__return" : ""), a.format().orElseThrow()));
    }

    /** {@code probe:/PATH:WHERE[%return] [name=fetch ...]} with WHERE a symbol, symbol+off or 0xADDR. */
    private Resolved uprobe(String spec, boolean ret, String filter) throws HostException {
        String[] parts = strip(spec, "probe:").strip().split("\\s+");
        String target = parts[0].replace("%return", "");
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new HostException("malformed uprobe '" + spec + "': expected probe:/path/to/binary:function");
        }
        Path binary = Path.of(target.substring(0, colon));
        String where = target.substring(colon + 1);
        AttachedEvent a = tracer.attachUprobe(binary, where, ret, fetchArgs(parts), filter);
        return new Resolved(a, EventShape.probe(uprobeName(binary, where, ret), a.format().orElseThrow()));
    }

    /** The event's name as the sim backend names it: the function, or {@code p_<file>_<addr>}. */
    static String uprobeName(Path binary, String where, boolean ret) {
        String name;
        if (where.matches("0[xX][0-9a-fA-F]+|[0-9]+")) {
            String base = binary.getFileName().toString().replaceAll("[^A-Za-z0-9_]", "_");
            name = "p_" + base + "_" + where;
        } else {
            name = where.replaceAll("\\+.*", "");
        }
        return ret ? name + "__return" : name;
    }

    private static List<String> fetchArgs(String[] parts) throws HostException {
        List<String> args = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].isEmpty()) {
                continue;
            }
            String a = parts[i];
            args.add(a.indexOf('=') > 0 ? a : "arg" + i + "=" + a);
        }
        return args;
    }

    // ---- SDT ------------------------------------------------------------------------------------

    /** {@code sdt:/PATH:NAME} with NAME a glob over the markers' names. */
    private List<Resolved> sdt(String spec, String filter) throws HostException {
        String target = strip(spec, "sdt:").strip();
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new HostException("malformed SDT probe '" + spec + "': expected sdt:/path/to/binary:marker");
        }
        Path binary = Path.of(target.substring(0, colon));
        Pattern name = Tracefs.globToRegex(target.substring(colon + 1));
        ElfFile elf = ElfFile.open(binary);
        List<ElfFile.SdtNote> notes = elf.sdtNotes();
        List<Resolved> out = new ArrayList<>();
        for (ElfFile.SdtNote note : notes) {
            if (!name.matcher(note.name()).matches()) {
                continue;
            }
            long offset = elf.fileOffset(note.pc()).orElseThrow(() -> new HostException("SDT marker " + note.name()
                    + " of " + binary + " is at 0x" + Long.toHexString(note.pc()) + ", in no loadable segment"));
            long refCtr = 0;
            if (note.semaphore() != 0) {
                refCtr = elf.fileOffset(note.semaphore()).orElseThrow(() -> new HostException("the semaphore of SDT"
                        + " marker " + note.name() + " of " + binary + " is in no loadable segment"));
            }
            List<String> args = sdtFetchArgs(note, elf.machine());
            AttachedEvent a = tracer.attachUprobeAt(binary, offset, refCtr, note.name(), false, args, filter);
            out.add(new Resolved(a, EventShape.probe(note.name(), a.format().orElseThrow())));
        }
        if (out.isEmpty()) {
            List<String> names = notes.stream().map(n -> n.provider() + ":" + n.name()).distinct().toList();
            throw new HostException("no SDT marker matches '" + target.substring(colon + 1) + "' in " + binary
                    + (names.isEmpty() ? " (it has no .note.stapsdt markers)" : " (its markers: " + names + ")"));
        }
        return out;
    }

    private static final int EM_X86_64 = 62;

    /**
     * The uprobe fetch arguments of an SDT marker's argument descriptions: {@code -4@%edi} becomes
     * {@code arg1=%di:s32}, {@code 8@-16(%rbp)} {@code arg2=-16(%bp):u64}, {@code 4@$5}
     * {@code arg3=\5:u32}. x86_64 only.
     */
    static List<String> sdtFetchArgs(ElfFile.SdtNote note, int machine) throws HostException {
        List<String> out = new ArrayList<>();
        String text = note.args().strip();
        if (text.isEmpty()) {
            return out;
        }
        if (machine != EM_X86_64) {
            throw new HostException("SDT marker " + note.name() + ": arguments are understood on x86_64 only");
        }
        String[] args = text.split("\\s+");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            int at = a.indexOf('@');
            if (at <= 0) {
                throw new HostException("SDT marker " + note.name() + ": cannot read argument '" + a + "'");
            }
            int size;
            try {
                size = Integer.parseInt(a.substring(0, at));
            } catch (NumberFormatException e) {
                throw new HostException("SDT marker " + note.name() + ": cannot read argument '" + a + "'");
            }
            boolean signed = size < 0;
            int bytes = Math.abs(size);
            if (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8) {
                throw new HostException("SDT marker " + note.name() + ": argument '" + a + "' has size " + bytes);
            }
            String type = (signed ? "s" : "u") + bytes * 8;
            out.add("arg" + (i + 1) + "=" + x86Operand(a.substring(at + 1), note, a) + ":" + type);
        }
        return out;
    }

    private static String x86Operand(String op, ElfFile.SdtNote note, String whole) throws HostException {
        if (op.startsWith("$")) {
            return "\\" + parseImmediate(op.substring(1), note, whole);
        }
        if (op.startsWith("%")) {
            return "%" + register(op.substring(1), note, whole);
        }
        int paren = op.indexOf('(');
        if (paren >= 0 && op.endsWith(")") && op.indexOf(',') < 0) {
            String disp = op.substring(0, paren);
            String base = op.substring(paren + 1, op.length() - 1);
            if (!base.startsWith("%")) {
                throw unsupported(note, whole);
            }
            long d = disp.isEmpty() ? 0 : parseImmediate(disp, note, whole);
            return (d < 0 ? "-" + Math.abs(d) : "+" + d) + "(%" + register(base.substring(1), note, whole) + ")";
        }
        throw unsupported(note, whole);
    }

    private static long parseImmediate(String s, ElfFile.SdtNote note, String whole) throws HostException {
        try {
            boolean neg = s.startsWith("-");
            String t = neg ? s.substring(1) : s;
            long v = t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
            return neg ? -v : v;
        } catch (NumberFormatException e) {
            throw unsupported(note, whole);
        }
    }

    private static final Map<String, String> X86_REGISTERS = x86Registers();

    private static Map<String, String> x86Registers() {
        Map<String, String> m = new HashMap<>();
        String[][] families = {
            {"ax", "rax", "eax", "ax", "al"}, {"bx", "rbx", "ebx", "bx", "bl"}, {"cx", "rcx", "ecx", "cx", "cl"},
            {"dx", "rdx", "edx", "dx", "dl"}, {"si", "rsi", "esi", "si", "sil"}, {"di", "rdi", "edi", "di", "dil"},
            {"bp", "rbp", "ebp", "bp", "bpl"}, {"sp", "rsp", "esp", "sp", "spl"}, {"ip", "rip", "eip", "ip"},
        };
        for (String[] f : families) {
            for (int i = 1; i < f.length; i++) {
                m.put(f[i], f[0]);
            }
        }
        for (int r = 8; r <= 15; r++) {
            for (String suffix : new String[] {"", "d", "w", "b"}) {
                m.put("r" + r + suffix, "r" + r);
            }
        }
        return m;
    }

    private static String register(String name, ElfFile.SdtNote note, String whole) throws HostException {
        String r = X86_REGISTERS.get(name.toLowerCase(Locale.ROOT));
        if (r == null) {
            throw unsupported(note, whole);
        }
        return r;
    }

    private static HostException unsupported(ElfFile.SdtNote note, String whole) {
        return new HostException("SDT marker " + note.name() + ": argument '" + whole
                + "' uses an operand uprobes cannot fetch");
    }

    // ---- the function event ---------------------------------------------------------------------

    private Resolved function(String filter) throws HostException {
        EventRef fn = new EventRef("ftrace", "function");
        if (!tracer.tracefs().exists(fn)) {
            throw new HostException("ftrace:function: this kernel has no function event (CONFIG_FUNCTION_TRACER is off)");
        }
        String key = fn + "\u0000" + (filter == null ? "" : filter);
        Resolved r = shared.get(key);
        if (r != null) {
            return r;
        }
        AttachedEvent a;
        try {
            a = tracer.attachTracepoint(fn, filter);
        } catch (HostException e) {
            String why = e.errno() == Errno.EPERM || e.errno() == Errno.EACCES
                    ? "this kernel does not let perf open the function event (" + Errno.describe(e.errno()) + ")"
                    + (LibC.geteuid() == 0 ? ", even as root" : "; it is allowed only to root")
                    : e.errno() == Errno.EINVAL && filter != null ? "the kernel rejects the filter '" + filter + "'"
                    : e.getMessage();
            throw new HostException("ftrace:function: " + why + "; the host backend cannot trace kernel functions"
                    + " here", e.errno(), e);
        }
        r = new Resolved(a, EventShape.of("function", a.format().orElseThrow()));
        shared.put(key, r);
        return r;
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String strip(String spec, String prefix) {
        return spec.startsWith(prefix) ? spec.substring(prefix.length()) : spec;
    }

    private static long parseNumber(String text, String spec) throws HostException {
        try {
            return text.startsWith("0x") || text.startsWith("0X") ? Long.parseUnsignedLong(text.substring(2), 16)
                    : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new HostException("bad offset '" + text + "' in '" + spec + "'");
        }
    }
}
