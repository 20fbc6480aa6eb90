package io.ktap.ast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The text form of probe definitions: parses one EVENTDEF into a {@link Probe} and formats a
 * probe back into canonical text that parses to an equal probe.
 *
 * <h2>Forms</h2>
 * <pre>
 *   subsystem:event                      tracepoint; either part a glob (*:*, syscalls:sys_enter_*)
 *   tp:subsystem                         early-API spelling of a whole subsystem: subsystem:*
 *   tp:subsystem:event                   early-API spelling of subsystem:event
 *   probe:SYM[+OFFS][%return] [ARGS]     kprobe / kretprobe
 *   probe:/PATH:SYM[+OFFS][%return] [ARGS]   uprobe / uretprobe at a symbol
 *   probe:/PATH:0xADDR[%return] [ARGS]   uprobe / uretprobe at an address in the file
 *   sdt:/PATH:NAME                       userspace static marker; NAME may be a glob
 *   ftrace:function                      the function tracer's event
 *   tick-N&lt;unit&gt;, profile-N&lt;unit&gt;     timers; unit s/sec, ms/msec, us/usec
 *   perf:EVENT[/TERM/]                   perf hardware or software event, perf's name (perf list)
 *   EVENT[/TERM/]                        the same, written as perf -e writes it (cycles, page-faults)
 *   mem:ADDR[/LEN][:ACCESS]              hardware breakpoint (watchpoint), perf's syntax
 *   mem:SYM[+OFFS][/LEN][:ACCESS]        the same at a kernel symbol
 * </pre>
 * EVENT is one of perf's generalized events: {@code cycles} ({@code cpu-cycles}), {@code instructions},
 * {@code cache-references}, {@code cache-misses}, {@code branches} ({@code branch-instructions}),
 * {@code branch-misses}, {@code bus-cycles}, {@code stalled-cycles-frontend},
 * {@code stalled-cycles-backend}, {@code ref-cycles} (hardware); {@code cpu-clock},
 * {@code task-clock}, {@code page-faults} ({@code faults}), {@code context-switches} ({@code cs}),
 * {@code cpu-migrations} ({@code migrations}), {@code minor-faults}, {@code major-faults},
 * {@code alignment-faults}, {@code emulation-faults} (software). TERM is {@code period=N} (run the
 * handler every N events; the clocks count nanoseconds) or {@code freq=N} (about N times a
 * second); without it the hardware events and the clocks sample at 4000 Hz as perf record does,
 * and the other software events run the handler on every event. ACCESS is {@code r}, {@code w},
 * {@code rw} (the default) or {@code x}; LEN is 1, 2, 4 or 8 (default 4; {@code x}: 8).
 * OFFS and ADDR are decimal or {@code 0x} hexadecimal. ARGS are whitespace-separated
 * {@code NAME=FETCHARG} pairs in the grammar of the kernel's {@code kprobe_events} and
 * {@code uprobe_events} (Documentation/trace/kprobetrace.rst, uprobetracer.rst):
 * <pre>
 *   FETCHARG ::= BASE [':' TYPE]
 *   BASE     ::= '%' REG | '@' ADDR | '@' SYM [('+'|'-') OFFS]     (@SYM: kprobes only)
 *              | '@+' OFFS                                          (uprobes: file offset)
 *              | '$stack' | '$stack' N | '$retval' | '$arg' N | '$comm'
 *              | ('+'|'-') ['u'] OFFS '(' BASE ')'                  (dereference; 'u': kprobes only)
 *   TYPE     ::= ('u'|'s'|'x') ('8'|'16'|'32'|'64') | 'string' | 'ustring' | 'symbol'
 *              | 'b' WIDTH '@' OFFSET '/' CONTAINER  , optionally followed by '[' N ']' (N 1..63)
 * </pre>
 * with the kernel's rules: {@code $retval} only in return probes; {@code $argN} (N &ge; 1) only in
 * kprobes on a function entry; {@code $comm} only as a string; string types and arrays only on
 * memory ({@code @...} or a dereference); at most 128 arguments with distinct C-identifier names;
 * dereferences nest at most 16 deep. Paths are absolute, without whitespace, {@code :}, {@code ,},
 * {@code {} or {@code }} (a script's trace header reads those as structure).
 *
 * <p>Canonical text ({@link #format}): single spaces between arguments, offsets and addresses in
 * lower-case {@code 0x} hexadecimal, timers in the largest unit that divides the period exactly
 * ({@code s}, {@code ms}, {@code us}), never the {@code tp:} spelling; perf events with the
 * {@code perf:} prefix and perf's first name, their term only when it is not the default;
 * breakpoints with the length and access always written.
 */
public final class ProbeSpecs {

    /** The most fetch arguments one probe may have (the kernel's MAX_TRACE_ARGS). */
    public static final int MAX_ARGS = 128;

    /** The deepest nesting of dereferences in one fetch argument. */
    public static final int MAX_DEREF_DEPTH = 16;

    /** The longest array a fetch type may read. */
    public static final int MAX_ARRAY_LEN = 63;

    private static final String RETURN = "%return";

    private ProbeSpecs() {
    }

    /** Parses one EVENTDEF into a probe without a source position. */
    public static Probe parse(String eventdef) {
        return parse(eventdef, Span.NONE);
    }

    /**
     * Parses one EVENTDEF ({@code syscalls:sys_enter_*}, {@code probe:do_sys_open dfd=%di},
     * {@code tick-1ms}, ...) into a probe carrying {@code span}.
     *
     * @throws IllegalArgumentException if the text is not a well-formed EVENTDEF; the message
     *                                  names the text and the precise reason
     */
    public static Probe parse(String eventdef, Span span) {
        Objects.requireNonNull(eventdef, "eventdef");
        Objects.requireNonNull(span, "span");
        return new Parser(eventdef, span).parse();
    }

    /**
     * Parses a comma-separated list of EVENTDEFs, as written after {@code trace}
     * ({@code syscalls:sys_enter_open, syscalls:sys_enter_openat}).
     */
    public static List<Probe> parseList(String eventdefs, Span span) {
        Objects.requireNonNull(eventdefs, "eventdefs");
        List<Probe> probes = new ArrayList<>();
        for (String part : eventdefs.split(",", -1)) {
            probes.add(parse(part, span));
        }
        return List.copyOf(probes);
    }

    /**
     * Checks what the probe records cannot check alone: that every fetch argument follows the
     * kernel grammar in this probe's context, and that the probe has a text form.
     *
     * @return {@code probe}
     * @throws IllegalArgumentException with the reason, if the probe could not be attached
     */
    public static Probe validate(Probe probe) {
        Objects.requireNonNull(probe, "probe");
        String text = probe.accept(FORMATTER);
        if (probe instanceof Probe.Tracepoint t && RESERVED_PREFIXES.contains(t.subsystem())) {
            throw new IllegalArgumentException("tracepoint subsystem '" + t.subsystem()
                    + "' is reserved for " + t.subsystem() + ": probes; '" + text + "' has no text form");
        }
        if (probe instanceof Probe.Tracepoint t && t.subsystem().equals("tp")) {
            throw new IllegalArgumentException("tracepoint subsystem 'tp' is the early-API prefix; '"
                    + text + "' has no text form");
        }
        if (probe instanceof Probe.Kprobe k) {
            checkArgs(text, k.args(), Target.KPROBE, k.isReturn(), k.offset() == 0);
        } else if (probe instanceof Probe.Uprobe u) {
            checkPath(text, u.path());
            checkArgs(text, u.args(), Target.UPROBE, u.isReturn(), false);
        } else if (probe instanceof Probe.Sdt d) {
            checkPath(text, d.path());
        }
        return probe;
    }

    /**
     * The canonical text of {@code probe}; {@code parse(format(p)).equals(p)} holds for every probe
     * that {@link #validate} accepts.
     *
     * @throws IllegalArgumentException if the probe has no valid text form (see {@link #validate})
     */
    public static String format(Probe probe) {
        validate(probe);
        return probe.accept(FORMATTER);
    }

    /** The canonical timer text, {@code tick-1ms}: the largest unit that divides the period. */
    public static String formatTimer(Probe.Timer.Kind kind, Duration period) {
        long micros = period.toNanos() / 1_000;
        String unit;
        long n;
        if (micros % 1_000_000 == 0) {
            n = micros / 1_000_000;
            unit = "s";
        } else if (micros % 1_000 == 0) {
            n = micros / 1_000;
            unit = "ms";
        } else {
            n = micros;
            unit = "us";
        }
        return kind.keyword() + "-" + n + unit;
    }

    // ---------------------------------------------------------------- formatting

    private static final Set<String> RESERVED_PREFIXES = Set.of("probe", "sdt", "ftrace", "perf", "mem");

    private static final Probe.Visitor<String> FORMATTER = new Probe.Visitor<>() {
        @Override
        public String visitTracepoint(Probe.Tracepoint p) {
            return p.subsystem() + ":" + p.event();
        }

        @Override
        public String visitKprobe(Probe.Kprobe p) {
            StringBuilder sb = new StringBuilder("probe:").append(p.symbol());
            if (p.offset() != 0) {
                sb.append("+0x").append(Long.toHexString(p.offset()));
            }
            if (p.isReturn()) {
                sb.append(RETURN);
            }
            appendArgs(sb, p.args());
            return sb.toString();
        }

        @Override
        public String visitUprobe(Probe.Uprobe p) {
            StringBuilder sb = new StringBuilder("probe:").append(p.path()).append(':');
            if (p.symbol() == null) {
                sb.append("0x").append(Long.toHexString(p.offset()));
            } else {
                sb.append(p.symbol());
                if (p.offset() != 0) {
                    sb.append("+0x").append(Long.toHexString(p.offset()));
                }
            }
            if (p.isReturn()) {
                sb.append(RETURN);
            }
            appendArgs(sb, p.args());
            return sb.toString();
        }

        @Override
        public String visitSdt(Probe.Sdt p) {
            return "sdt:" + p.path() + ":" + p.name();
        }

        @Override
        public String visitFtraceFunction(Probe.FtraceFunction p) {
            return "ftrace:function";
        }

        @Override
        public String visitTimer(Probe.Timer p) {
            return formatTimer(p.kind(), p.period());
        }

        @Override
        public String visitPerfEvent(Probe.PerfEvent p) {
            String name = "perf:" + p.counter().perfName();
            if (p.isDefaultSampling()) {
                return name;
            }
            return name + "/" + (p.frequency() ? "freq=" : "period=") + p.sample() + "/";
        }

        @Override
        public String visitBreakpoint(Probe.Breakpoint p) {
            StringBuilder sb = new StringBuilder("mem:");
            if (p.symbol() == null) {
                sb.append("0x").append(Long.toHexString(p.address()));
            } else {
                sb.append(p.symbol());
                if (p.address() != 0) {
                    sb.append("+0x").append(Long.toHexString(p.address()));
                }
            }
            return sb.append('/').append(p.length()).append(':').append(p.access().text()).toString();
        }

        private void appendArgs(StringBuilder sb, List<Probe.FetchArg> args) {
            for (Probe.FetchArg a : args) {
                sb.append(' ').append(a.name()).append('=').append(a.fetch());
            }
        }
    };

    // ---------------------------------------------------------------- EVENTDEF parsing

    /** Which tracer a fetch argument is written for. */
    private enum Target {
        KPROBE("kprobe"), UPROBE("uprobe");

        final String label;

        Target(String label) {
            this.label = label;
        }
    }

    private static final class Parser {
        private final String original;
        private final Span span;

        Parser(String original, Span span) {
            this.original = original;
            this.span = span;
        }

        Probe parse() {
            String text = original.strip();
            if (text.isEmpty()) {
                throw fail("empty eventdef");
            }
            if (text.startsWith("tick-")) {
                return timer(Probe.Timer.Kind.TICK, text.substring(5));
            }
            if (text.startsWith("profile-")) {
                return timer(Probe.Timer.Kind.PROFILE, text.substring(8));
            }
            int colon = text.indexOf(':');
            if (colon < 0) {
                String name = text.indexOf('/') < 0 ? text : text.substring(0, text.indexOf('/'));
                if (Probe.PerfEvent.Counter.byName(name).isPresent()) {
                    return perf(text);
                }
                throw fail("expected subsystem:event, probe:..., sdt:..., ftrace:function, perf:EVENT, mem:ADDR,"
                        + " tick-N<unit> or profile-N<unit>");
            }
            String prefix = text.substring(0, colon);
            String rest = text.substring(colon + 1);
            if (rest.isEmpty() || Character.isWhitespace(rest.charAt(0))) {
                throw fail("nothing after '" + prefix + ":'");
            }
            switch (prefix) {
                case "probe":
                    return rest.startsWith("/") ? uprobe(rest) : kprobe(rest);
                case "sdt":
                    return sdt(rest);
                case "ftrace":
                    noWhitespace(text, "ftrace:function");
                    if (!rest.equals("function")) {
                        throw fail("the only ftrace event is ftrace:function, not ftrace:" + rest);
                    }
                    return new Probe.FtraceFunction(span);
                case "tp":
                    return earlyTracepoint(rest);
                case "perf":
                    return perf(rest);
                case "mem":
                    return breakpoint(rest);
                default:
                    return tracepoint(prefix, rest);
            }
        }

        /** {@code EVENT[/TERM/]}, the text after {@code perf:} (or a bare perf name). */
        private Probe perf(String rest) {
            noWhitespace(rest, "a perf event");
            int slash = rest.indexOf('/');
            String name = slash < 0 ? rest : rest.substring(0, slash);
            Probe.PerfEvent.Counter counter = Probe.PerfEvent.Counter.byName(name).orElseThrow(() -> fail(
                    "unknown perf event '" + name + "' (expected one of " + perfNames() + ")"));
            if (slash < 0) {
                return Probe.PerfEvent.of(span, counter);
            }
            if (!rest.endsWith("/") || rest.length() == slash + 1) {
                throw fail("a perf event's term is written between slashes: " + name + "/period=N/ or " + name
                        + "/freq=N/");
            }
            String term = rest.substring(slash + 1, rest.length() - 1);
            int eq = term.indexOf('=');
            String key = eq < 0 ? term : term.substring(0, eq);
            if (term.indexOf('/') >= 0 || term.indexOf(',') >= 0) {
                throw fail("a perf event takes one term, period=N or freq=N, not '" + term + "'");
            }
            if (eq < 0 || (!key.equals("period") && !key.equals("freq"))) {
                throw fail("unknown perf term '" + term + "' (expected period=N or freq=N)");
            }
            long n = number(term.substring(eq + 1), key);
            try {
                return new Probe.PerfEvent(span, counter, n, key.equals("freq"));
            } catch (IllegalArgumentException e) {
                throw fail(e.getMessage());
            }
        }

        private static String perfNames() {
            StringBuilder sb = new StringBuilder();
            for (Probe.PerfEvent.Counter c : Probe.PerfEvent.Counter.values()) {
                sb.append(sb.length() == 0 ? "" : ", ").append(c.perfName());
            }
            return sb.toString();
        }

        /** {@code ADDR[/LEN][:ACCESS]} or {@code SYM[+OFFS][/LEN][:ACCESS]}, the text after {@code mem:}. */
        private Probe breakpoint(String rest) {
            noWhitespace(rest, "a breakpoint");
            String where = rest;
            Probe.Breakpoint.Access access = Probe.Breakpoint.Access.RW;
            int colon = where.indexOf(':');
            if (colon >= 0) {
                access = access(where.substring(colon + 1));
                where = where.substring(0, colon);
            }
            int length = Probe.Breakpoint.defaultLength(access);
            int slash = where.indexOf('/');
            if (slash >= 0) {
                String len = where.substring(slash + 1);
                if (!len.equals("1") && !len.equals("2") && !len.equals("4") && !len.equals("8")) {
                    throw fail("a breakpoint watches 1, 2, 4 or 8 bytes, not '" + len + "'");
                }
                length = Integer.parseInt(len);
                where = where.substring(0, slash);
            }
            if (where.isEmpty()) {
                throw fail("a breakpoint needs an address or a kernel symbol: mem:ADDR[/LEN][:ACCESS]");
            }
            String symbol = null;
            long address;
            if (isAsciiDigit(where.charAt(0))) {
                try {
                    address = parseNumber(where, true);
                } catch (IllegalArgumentException e) {
                    throw fail("breakpoint address '" + where + "' " + e.getMessage());
                }
            } else {
                int plus = where.indexOf('+');
                symbol = plus < 0 ? where : where.substring(0, plus);
                address = plus < 0 ? 0 : number(where.substring(plus + 1), "offset");
                if (!Probe.IDENT.matcher(symbol).matches()) {
                    throw fail("'" + symbol + "' is neither an address nor a kernel symbol");
                }
            }
            try {
                return new Probe.Breakpoint(span, symbol, address, length, access);
            } catch (IllegalArgumentException e) {
                throw fail(e.getMessage());
            }
        }

        private Probe.Breakpoint.Access access(String text) {
            switch (text) {
                case "r":
                    return Probe.Breakpoint.Access.R;
                case "w":
                    return Probe.Breakpoint.Access.W;
                case "rw":
                case "wr":
                    return Probe.Breakpoint.Access.RW;
                case "x":
                    return Probe.Breakpoint.Access.X;
                default:
                    if (!text.isEmpty() && text.chars().allMatch(c -> c == 'r' || c == 'w' || c == 'x')) {
                        throw fail("an execute breakpoint cannot also watch data: '" + text
                                + "' (use x alone, or r, w, rw)");
                    }
                    throw fail("unknown breakpoint access '" + text + "' (expected r, w, rw or x)");
            }
        }

        private Probe tracepoint(String subsystem, String event) {
            checkGlob(subsystem, "tracepoint subsystem");
            noWhitespace(event, "a tracepoint");
            if (event.indexOf(':') >= 0) {
                throw fail("a tracepoint is subsystem:event, with one ':'");
            }
            checkGlob(event, "tracepoint event");
            return new Probe.Tracepoint(span, subsystem, event);
        }

        /** {@code tp:syscalls} (a whole subsystem) and {@code tp:sched:sched_switch}, of the 2013 API. */
        private Probe earlyTracepoint(String rest) {
            int colon = rest.indexOf(':');
            String subsystem = colon < 0 ? rest : rest.substring(0, colon);
            if (RESERVED_PREFIXES.contains(subsystem) || subsystem.equals("tp")) {
                throw fail("'" + subsystem + ":' is a probe prefix, not a tracepoint subsystem: write it without 'tp:'");
            }
            if (colon < 0) {
                noWhitespace(rest, "a tracepoint");
                checkGlob(rest, "tracepoint subsystem");
                return new Probe.Tracepoint(span, rest, "*");
            }
            return tracepoint(subsystem, rest.substring(colon + 1));
        }

        private void checkGlob(String part, String what) {
            if (part.isEmpty()) {
                throw fail("empty " + what);
            }
            if (!Probe.GLOB.matcher(part).matches()) {
                throw fail(what + " '" + part + "' may hold only letters, digits, '_', '*' and '?'");
            }
        }

        private Probe kprobe(String rest) {
            String[] words = rest.strip().split("\\s+");
            String location = words[0];
            boolean isReturn = location.endsWith(RETURN);
            if (isReturn) {
                location = location.substring(0, location.length() - RETURN.length());
            }
            if (location.isEmpty()) {
                throw fail("a kprobe needs a kernel symbol: probe:SYMBOL[+OFFSET][%return]");
            }
            if (location.indexOf('%') >= 0) {
                throw fail("unknown probe suffix in '" + words[0] + "' (only %return exists)");
            }
            String symbol = location;
            long offset = 0;
            int plus = location.indexOf('+');
            if (plus >= 0) {
                symbol = location.substring(0, plus);
                offset = number(location.substring(plus + 1), "kprobe offset");
            }
            if (symbol.isEmpty() || isAsciiDigit(symbol.charAt(0))) {
                throw fail("a kprobe attaches to a kernel symbol, not '" + symbol
                        + "' (raw kernel addresses are not supported)");
            }
            if (!Probe.IDENT.matcher(symbol).matches()) {
                throw fail("malformed kernel symbol '" + symbol + "'");
            }
            if (isReturn && offset != 0) {
                throw fail("a return probe attaches to a function entry; drop the offset +" + offset
                        + " or the %return");
            }
            List<Probe.FetchArg> args = fetchArgs(words, Target.KPROBE, isReturn, offset == 0);
            return new Probe.Kprobe(span, symbol, offset, isReturn, args);
        }

        private Probe uprobe(String rest) {
            String[] words = rest.strip().split("\\s+");
            String location = words[0];
            int colon = location.indexOf(':');
            if (colon < 0) {
                throw fail("a uprobe is probe:/PATH:SYMBOL[+OFFSET] or probe:/PATH:0xADDRESS");
            }
            String path = location.substring(0, colon);
            String where = location.substring(colon + 1);
            if (pathProblem(path) != null) {
                throw fail(pathProblem(path));
            }
            boolean isReturn = where.endsWith(RETURN);
            if (isReturn) {
                where = where.substring(0, where.length() - RETURN.length());
            }
            if (where.isEmpty()) {
                throw fail("a uprobe needs a symbol or an address after '" + path + ":'");
            }
            if (where.indexOf(':') >= 0) {
                throw fail("a uprobe path must not contain ':'");
            }
            if (where.indexOf('%') >= 0) {
                throw fail("unknown probe suffix in '" + words[0] + "' (only %return exists)");
            }
            String symbol;
            long offset;
            if (isAsciiDigit(where.charAt(0))) {
                symbol = null;
                offset = number(where, "uprobe address");
            } else {
                int plus = where.indexOf('+');
                symbol = plus < 0 ? where : where.substring(0, plus);
                offset = plus < 0 ? 0 : number(where.substring(plus + 1), "uprobe offset");
                if (!Probe.IDENT.matcher(symbol).matches()) {
                    throw fail("malformed function symbol '" + symbol + "'");
                }
            }
            List<Probe.FetchArg> args = fetchArgs(words, Target.UPROBE, isReturn, false);
            return new Probe.Uprobe(span, path, symbol, offset, isReturn, args);
        }

        private Probe sdt(String rest) {
            noWhitespace(rest, "an SDT marker");
            if (!rest.startsWith("/")) {
                throw fail("an SDT marker is sdt:/PATH:NAME, with an absolute path");
            }
            int colon = rest.indexOf(':');
            if (colon < 0) {
                throw fail("an SDT marker is sdt:/PATH:NAME; the marker name is missing");
            }
            String name = rest.substring(colon + 1);
            if (name.indexOf(':') >= 0) {
                throw fail("an SDT path must not contain ':'");
            }
            if (pathProblem(rest.substring(0, colon)) != null) {
                throw fail(pathProblem(rest.substring(0, colon)));
            }
            checkGlob(name, "SDT marker name");
            return new Probe.Sdt(span, rest.substring(0, colon), name);
        }

        private Probe timer(Probe.Timer.Kind kind, String spec) {
            int i = 0;
            while (i < spec.length() && spec.charAt(i) >= '0' && spec.charAt(i) <= '9') {
                i++;
            }
            if (i == 0) {
                throw fail(kind.keyword() + " needs a period: " + kind.keyword() + "-N<unit>, like "
                        + kind.keyword() + "-10ms");
            }
            String digits = spec.substring(0, i);
            String unit = spec.substring(i);
            long micros;
            switch (unit) {
                case "s", "sec" -> micros = 1_000_000;
                case "ms", "msec" -> micros = 1_000;
                case "us", "usec" -> micros = 1;
                case "" -> throw fail(kind.keyword() + " period " + digits + " has no unit (s, sec, ms, msec, us, usec)");
                default -> throw fail("unknown time unit '" + unit + "' (s, sec, ms, msec, us, usec)");
            }
            long n;
            Duration period;
            try {
                n = Long.parseLong(digits);
                period = Duration.ofNanos(Math.multiplyExact(Math.multiplyExact(n, micros), 1_000L));
            } catch (ArithmeticException | NumberFormatException e) {
                throw fail(kind.keyword() + " period " + digits + unit + " is too long");
            }
            if (n == 0) {
                throw fail(kind.keyword() + " period must be positive, not " + digits + unit);
            }
            return new Probe.Timer(span, kind, period);
        }

        private List<Probe.FetchArg> fetchArgs(String[] words, Target target, boolean isReturn, boolean atEntry) {
            List<Probe.FetchArg> args = new ArrayList<>();
            for (int i = 1; i < words.length; i++) {
                String word = words[i];
                int eq = word.indexOf('=');
                if (eq < 0) {
                    throw fail("fetch argument '" + word + "' needs a name: NAME=FETCHARG");
                }
                String name = word.substring(0, eq);
                String fetch = word.substring(eq + 1);
                try {
                    checkArgName(name);
                    if (fetch.isEmpty()) {
                        throw new IllegalArgumentException("nothing to fetch");
                    }
                    new FetchArgChecker(fetch, target, isReturn, atEntry).check();
                } catch (IllegalArgumentException e) {
                    throw fail("fetch argument '" + word + "': " + e.getMessage());
                }
                args.add(new Probe.FetchArg(name, fetch));
            }
            try {
                checkArgList(args);
            } catch (IllegalArgumentException e) {
                throw fail(e.getMessage());
            }
            return args;
        }

        private long number(String s, String what) {
            try {
                return parseNumber(s);
            } catch (IllegalArgumentException e) {
                throw fail(what + " '" + s + "' " + e.getMessage());
            }
        }

        private void noWhitespace(String s, String what) {
            if (s.chars().anyMatch(Character::isWhitespace)) {
                throw fail(what + " takes no arguments");
            }
        }

        private IllegalArgumentException fail(String reason) {
            return new IllegalArgumentException("invalid eventdef '" + original.strip() + "': " + reason);
        }
    }

    // ---------------------------------------------------------------- fetch arguments

    private static void checkArgs(String text, List<Probe.FetchArg> args, Target target, boolean isReturn,
                                  boolean atEntry) {
        try {
            for (Probe.FetchArg a : args) {
                try {
                    checkArgName(a.name());
                    new FetchArgChecker(a.fetch(), target, isReturn, atEntry).check();
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("fetch argument '" + a.name() + "=" + a.fetch() + "': "
                            + e.getMessage());
                }
            }
            checkArgList(args);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid eventdef '" + text + "': " + e.getMessage());
        }
    }

    /** Path characters that a script's trace header reads as structure (a list, the block). */
    private static final String PATH_STRUCTURE = ",{}";

    private static void checkPath(String eventdef, String path) {
        String reason = pathProblem(path);
        if (reason != null) {
            throw new IllegalArgumentException("invalid eventdef '" + eventdef + "': " + reason);
        }
    }

    private static String pathProblem(String path) {
        for (int i = 0; i < path.length(); i++) {
            if (PATH_STRUCTURE.indexOf(path.charAt(i)) >= 0) {
                return "a probed path cannot contain ',', '{' or '}': '" + path + "'";
            }
        }
        return null;
    }

    private static void checkArgName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("the name before '=' is empty");
        }
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("the name '" + name + "' is not a C identifier");
        }
    }

    private static void checkArgList(List<Probe.FetchArg> args) {
        if (args.size() > MAX_ARGS) {
            throw new IllegalArgumentException(args.size() + " fetch arguments; a probe takes at most " + MAX_ARGS);
        }
        Set<String> names = new HashSet<>();
        for (Probe.FetchArg a : args) {
            if (!names.add(a.name())) {
                throw new IllegalArgumentException("fetch argument name '" + a.name() + "' is used twice");
            }
        }
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Decimal or 0x-hexadecimal, non-negative, fitting a signed 64-bit value. */
    private static long parseNumber(String s) {
        return parseNumber(s, false);
    }

    /** Decimal or 0x-hexadecimal, fitting 64 bits (signed, or unsigned for kernel addresses). */
    private static long parseNumber(String s, boolean unsigned) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("is missing");
        }
        boolean hex = s.length() > 2 && (s.startsWith("0x") || s.startsWith("0X"));
        String digits = hex ? s.substring(2) : s;
        for (int i = 0; i < digits.length(); i++) {
            char ch = digits.charAt(i);
            boolean ok = (ch >= '0' && ch <= '9') || (hex && ((ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')));
            if (!ok) {
                throw new IllegalArgumentException("is not a decimal or 0x-hexadecimal number");
            }
        }
        try {
            return unsigned ? Long.parseUnsignedLong(digits, hex ? 16 : 10) : Long.parseLong(digits, hex ? 16 : 10);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is too large");
        }
    }

    /**
     * A recursive-descent checker of one FETCHARG against the kernel grammar (see the class
     * comment). Its exceptions carry the reason only; callers add the context.
     */
    private static final class FetchArgChecker {
        private final String text;
        private final Target target;
        private final boolean isReturn;
        private final boolean atEntry;
        private int pos;

        /** What the base of the fetch is, for the type rules. */
        private enum Base { REGISTER, STACK, RETVAL, ARG, COMM, MEMORY }

        FetchArgChecker(String text, Target target, boolean isReturn, boolean atEntry) {
            this.text = text;
            this.target = target;
            this.isReturn = isReturn;
            this.atEntry = atEntry;
        }

        void check() {
            int colon = text.indexOf(':');
            String baseText = colon < 0 ? text : text.substring(0, colon);
            Base base = base(baseText, 0);
            if (colon >= 0) {
                type(text.substring(colon + 1), base);
            }
        }

        private Base base(String s, int depth) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("nothing to fetch");
            }
            char c = s.charAt(0);
            switch (c) {
                case '%':
                    if (!s.substring(1).matches("[A-Za-z][A-Za-z0-9_]*")) {
                        throw new IllegalArgumentException("'" + s + "' is not a register (%di, %ax, %r8, ...)");
                    }
                    return Base.REGISTER;
                case '@':
                    memory(s.substring(1));
                    return Base.MEMORY;
                case '$':
                    return variable(s.substring(1));
                case '+':
                case '-':
                    deref(s, depth);
                    return Base.MEMORY;
                default:
                    throw new IllegalArgumentException("'" + s + "' is not a fetch argument: expected %REG, @ADDR, "
                            + (target == Target.KPROBE ? "@SYM, " : "@+OFFSET, ")
                            + "$stack, $stackN, $retval, " + (target == Target.KPROBE ? "$argN, " : "")
                            + "$comm or +OFFS(FETCHARG)");
            }
        }

        private void memory(String s) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("'@' needs an address" + (target == Target.KPROBE ? " or a symbol" : ""));
            }
            if (isAsciiDigit(s.charAt(0))) {
                number(s, "address");
                return;
            }
            if (target == Target.UPROBE) {
                if (s.charAt(0) == '+') {
                    number(s.substring(1), "file offset");
                    return;
                }
                throw new IllegalArgumentException("a uprobe fetches memory at @ADDR or @+OFFSET, not at a symbol '@" + s + "'");
            }
            int sign = indexOfSign(s);
            String sym = sign < 0 ? s : s.substring(0, sign);
            if (!sym.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
                throw new IllegalArgumentException("'@" + s + "' is neither an address nor a data symbol");
            }
            if (sign >= 0) {
                number(s.substring(sign + 1), "symbol offset");
            }
        }

        private Base variable(String v) {
            switch (v) {
                case "stack":
                    return Base.STACK;
                case "retval":
                    if (!isReturn) {
                        throw new IllegalArgumentException("$retval exists only in return probes (%return)");
                    }
                    return Base.RETVAL;
                case "comm":
                    return Base.COMM;
                default:
                    break;
            }
            if (v.startsWith("stack") && v.length() > 5) {
                decimal(v.substring(5), "$stack index");
                return Base.STACK;
            }
            if (v.startsWith("arg") && v.length() > 3) {
                long n = decimal(v.substring(3), "$arg index");
                if (n < 1) {
                    throw new IllegalArgumentException("function arguments count from $arg1");
                }
                if (target == Target.UPROBE) {
                    throw new IllegalArgumentException("$argN exists only in kprobes; use registers in a uprobe");
                }
                if (isReturn || !atEntry) {
                    throw new IllegalArgumentException("$argN exists only in a kprobe on a function entry (no offset, no %return)");
                }
                return Base.ARG;
            }
            throw new IllegalArgumentException("unknown variable '$" + v + "' (expected $stack, $stackN, $retval, "
                    + (target == Target.KPROBE ? "$argN, " : "") + "$comm)");
        }

        private void deref(String s, int depth) {
            if (depth + 1 > MAX_DEREF_DEPTH) {
                throw new IllegalArgumentException("dereferences nest deeper than " + MAX_DEREF_DEPTH);
            }
            int open = s.indexOf('(');
            if (open < 0 || !s.endsWith(")")) {
                throw new IllegalArgumentException("a dereference is +OFFS(FETCHARG), not '" + s + "'");
            }
            String offs = s.substring(1, open);
            if (offs.startsWith("u")) {
                if (target == Target.UPROBE) {
                    throw new IllegalArgumentException("'+u' (user-memory dereference) is for kprobes; a uprobe reads user memory already");
                }
                offs = offs.substring(1);
            }
            number(offs, "dereference offset");
            Base inner = base(s.substring(open + 1, s.length() - 1), depth + 1);
            if (inner == Base.COMM) {
                throw new IllegalArgumentException("$comm is a string and cannot be dereferenced");
            }
        }

        private void type(String t, Base base) {
            if (t.isEmpty()) {
                throw new IllegalArgumentException("empty type after ':'");
            }
            String elem = t;
            int bracket = t.indexOf('[');
            if (bracket >= 0) {
                if (!t.endsWith("]")) {
                    throw new IllegalArgumentException("an array type is TYPE[N], not '" + t + "'");
                }
                elem = t.substring(0, bracket);
                long n = decimal(t.substring(bracket + 1, t.length() - 1), "array length");
                if (n < 1 || n > MAX_ARRAY_LEN) {
                    throw new IllegalArgumentException("array length " + n + " is outside 1.." + MAX_ARRAY_LEN);
                }
                if (base != Base.MEMORY) {
                    throw new IllegalArgumentException("an array type reads memory: use it on @ADDR or +OFFS(...), not on a "
                            + base.name().toLowerCase());
                }
            }
            boolean string = elem.equals("string") || elem.equals("ustring");
            if (base == Base.COMM) {
                if (!elem.equals("string") || bracket >= 0) {
                    throw new IllegalArgumentException("$comm is always a string, not " + t);
                }
                return;
            }
            if (string) {
                if (base != Base.MEMORY) {
                    throw new IllegalArgumentException("a " + elem + " reads memory: use +0(...) around the "
                            + base.name().toLowerCase() + " that holds its address");
                }
                return;
            }
            if (elem.matches("[usx](8|16|32|64)") || elem.equals("symbol")) {
                return;
            }
            if (elem.startsWith("b")) {
                bitfield(elem);
                return;
            }
            throw new IllegalArgumentException("unknown type '" + elem
                    + "' (u8..u64, s8..s64, x8..x64, string, ustring, symbol, bWIDTH@OFFSET/SIZE)");
        }

        private void bitfield(String b) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("b(\\d+)@(\\d+)/(\\d+)").matcher(b);
            if (!m.matches()) {
                throw new IllegalArgumentException("a bitfield type is bWIDTH@OFFSET/SIZE, not '" + b + "'");
            }
            long width = decimal(m.group(1), "bitfield width");
            long offset = decimal(m.group(2), "bitfield offset");
            long size = decimal(m.group(3), "bitfield container size");
            if (size != 8 && size != 16 && size != 32 && size != 64) {
                throw new IllegalArgumentException("a bitfield container is 8, 16, 32 or 64 bits, not " + size);
            }
            if (width < 1 || width + offset > size) {
                throw new IllegalArgumentException("bitfield " + b + " does not fit its " + size + "-bit container");
            }
        }

        private static int indexOfSign(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) == '+' || s.charAt(i) == '-') {
                    return i;
                }
            }
            return -1;
        }

        private static long number(String s, String what) {
            try {
                return parseNumber(s, true);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " '" + s + "' " + e.getMessage());
            }
        }

        private static long decimal(String s, String what) {
            if (s.isEmpty() || !s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                throw new IllegalArgumentException(what + " '" + s + "' is not a decimal number");
            }
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " '" + s + "' is too large");
            }
        }
    }
}
