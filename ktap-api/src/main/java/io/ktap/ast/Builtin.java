package io.ktap.ast;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every builtin function and library function of the language: the one list the resolver, the
 * fluent API, the code generator and both VMs agree on.
 *
 * <p>{@link #id()} is stable: it is written into chunks, so a constant's id never changes and new
 * builtins take new ids. Library functions ({@code table.new}) have a {@link #library()}; globals
 * have none. Aliases ({@code print_hist} for {@code histogram}) resolve to their canonical builtin.
 */
public enum Builtin {
    PRINT(1, null, "print", 0, Builtin.VARIADIC),
    PRINTF(2, null, "printf", 1, Builtin.VARIADIC),
    PAIRS(3, null, "pairs", 1, 1),
    LEN(4, null, "len", 1, 1),
    EXIT(5, null, "exit", 0, 1),
    PID(6, null, "pid", 0, 0, true),
    TID(7, null, "tid", 0, 0, true),
    UID(8, null, "uid", 0, 0, true),
    EXECNAME(9, null, "execname", 0, 0, true),
    CPU(10, null, "cpu", 0, 0, true),
    ARCH(11, null, "arch", 0, 0),
    KERNEL_V(12, null, "kernel_v", 0, 0),
    USER_STRING(13, null, "user_string", 1, 1),
    KERNEL_STRING(14, null, "kernel_string", 1, 1),
    /** {@code histogram(t [, rows])}; alias {@code print_hist}. */
    HISTOGRAM(15, null, "histogram", 1, 2, false, "print_hist"),
    CURR_TASK_INFO(16, null, "curr_task_info", 1, 2),
    PRINT_BACKTRACE(17, null, "print_backtrace", 0, 0),
    /** The current kernel stack as a string. */
    STACK(18, null, "stack", 0, 0),
    IN_INTERRUPT(19, null, "in_interrupt", 0, 0),
    NUM_CPUS(20, null, "num_cpus", 0, 0),
    GETTIMEOFDAY_S(21, null, "gettimeofday_s", 0, 0),
    GETTIMEOFDAY_MS(22, null, "gettimeofday_ms", 0, 0),
    GETTIMEOFDAY_US(23, null, "gettimeofday_us", 0, 0),
    GETTIMEOFDAY_NS(24, null, "gettimeofday_ns", 0, 0),
    /** {@code delete(t)} empties a table; {@code delete(t, k)} removes one key. */
    DELETE(25, null, "delete", 1, 2),
    STRINGOF(26, null, "stringof", 1, 1),
    IPOF(27, null, "ipof", 1, 1),
    IN_IOWAIT(28, null, "in_iowait", 0, 0),
    PRINT_TRACE_CLOCK(29, null, "print_trace_clock", 0, 0),
    /** The early API's {@code inplace_inc(t, k [, n])}: {@code t[k] += n} (n defaults to 1). */
    INPLACE_INC(30, null, "inplace_inc", 2, 3),
    /**
     * {@code emit("Type", v1, ...)}: writes a typed record. The first argument must be a string
     * literal naming the record type; codegen compiles the call to the {@code EMIT} instruction
     * (never to {@code CALLB}) with the values as the record's fields.
     */
    EMIT(31, null, "emit", 1, Builtin.VARIADIC),

    TABLE_NEW(40, "table", "new", 0, 2),

    KDEBUG_PROBE_BY_ID(50, "kdebug", "probe_by_id", 2, 2),
    KDEBUG_PROBE_END(51, "kdebug", "probe_end", 1, 1),
    /** The early API of 2013: {@code kdebug.probe("tp:syscalls", fn)}, fn receiving the event. */
    KDEBUG_PROBE(52, "kdebug", "probe", 2, 2),

    ANSI_CLEAR_SCREEN(60, "ansi", "clear_screen", 0, 0),
    ANSI_SET_COLOR(61, "ansi", "set_color", 1, 1),
    ANSI_SET_COLOR2(62, "ansi", "set_color2", 2, 2),
    ANSI_SET_COLOR3(63, "ansi", "set_color3", 3, 3),
    ANSI_RESET_COLOR(64, "ansi", "reset_color", 0, 0),
    ANSI_NEW_LINE(65, "ansi", "new_line", 0, 0),

    NET_IP_SOCK_SADDR(70, "net", "ip_sock_saddr", 1, 1),
    NET_IP_SOCK_DADDR(71, "net", "ip_sock_daddr", 1, 1),
    NET_FORMAT_IP_ADDR(72, "net", "format_ip_addr", 1, 1),

    // Aggregations: only the assignment form {@code target = count()} may use them (see #isAggregation()).

    /** {@code target = count()}: counts updates. */
    COUNT(80, "count", 0),
    /** {@code target = sum(v)}: the total of the values. */
    SUM(81, "sum", 1),
    /** {@code target = min(v)}: the smallest value. */
    MIN(82, "min", 1),
    /** {@code target = max(v)}: the largest value. */
    MAX(83, "max", 1),
    /** {@code target = avg(v)}: the average of the values (integer division). */
    AVG(84, "avg", 1),
    /** {@code target = stats(v)}: count, average and total. */
    STATS(85, "stats", 1),
    /** {@code target = hist(v)}: a power-of-2 histogram. */
    HIST(86, "hist", 1),
    /** {@code target = lhist(v, min, max, step)}: a linear histogram; min, max and step are integer literals. */
    LHIST(87, "lhist", 4);

    /** {@link #maxArgs()} of a function taking any number of arguments. */
    public static final int VARIADIC = -1;

    private static final Map<String, Builtin> BY_NAME;
    private static final Map<String, Builtin> AGGREGATIONS;
    private static final Map<Integer, Builtin> BY_ID;

    static {
        Map<String, Builtin> byName = new LinkedHashMap<>();
        Map<String, Builtin> aggregations = new LinkedHashMap<>();
        Map<Integer, Builtin> byId = new LinkedHashMap<>();
        for (Builtin b : values()) {
            Map<String, Builtin> names = b.aggregation ? aggregations : byName;
            if (names.put(b.qualifiedName(), b) != null || byId.put(b.id, b) != null) {
                throw new ExceptionInInitializerError("duplicate builtin " + b);
            }
            for (String alias : b.aliases) {
                if (byName.put(b.library == null ? alias : b.library + "." + alias, b) != null) {
                    throw new ExceptionInInitializerError("duplicate builtin alias " + alias);
                }
            }
        }
        BY_NAME = Collections.unmodifiableMap(byName);
        AGGREGATIONS = Collections.unmodifiableMap(aggregations);
        BY_ID = Collections.unmodifiableMap(byId);
    }

    private final int id;
    private final String library;
    private final String name;
    private final int minArgs;
    private final int maxArgs;
    private final boolean bareWord;
    private final String[] aliases;
    private final boolean aggregation;

    Builtin(int id, String library, String name, int minArgs, int maxArgs) {
        this(id, library, name, minArgs, maxArgs, false);
    }

    Builtin(int id, String library, String name, int minArgs, int maxArgs, boolean bareWord, String... aliases) {
        this(id, library, name, minArgs, maxArgs, bareWord, false, aliases);
    }

    /** An aggregation function taking exactly {@code args} arguments. */
    Builtin(int id, String name, int args) {
        this(id, null, name, args, args, false, true);
    }

    Builtin(int id, String library, String name, int minArgs, int maxArgs, boolean bareWord, boolean aggregation,
            String... aliases) {
        this.id = id;
        this.library = library;
        this.name = name;
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
        this.bareWord = bareWord;
        this.aggregation = aggregation;
        this.aliases = aliases;
    }

    /** The stable number written into chunks. */
    public int id() {
        return id;
    }

    /** The library table ({@code "table"}, {@code "kdebug"}, ...), or {@code null} for a global. */
    public String library() {
        return library;
    }

    /** The function's own name, without its library. */
    public String functionName() {
        return name;
    }

    /** {@code name} for globals, {@code library.name} for library functions. */
    public String qualifiedName() {
        return library == null ? name : library + "." + name;
    }

    public int minArgs() {
        return minArgs;
    }

    /** The most arguments accepted, or {@link #VARIADIC}. */
    public int maxArgs() {
        return maxArgs;
    }

    /** Whether the bare word ({@code pid}) means the call ({@code pid()}), as in ktap. */
    public boolean bareWord() {
        return bareWord;
    }

    /** Other accepted spellings, without the library prefix. */
    public java.util.List<String> aliases() {
        return Arrays.asList(aliases.clone());
    }

    /**
     * Whether this is an aggregation function ({@code count}, {@code sum}, {@code min}, {@code max},
     * {@code avg}, {@code stats}, {@code hist}, {@code lhist}). Aggregations are not ordinary
     * builtins: {@link #byName} does not find them, their names stay free for a script's own
     * variables (a script that declares a variable {@code max} keeps it, and has no {@code max()}
     * aggregation), and they are valid only as the whole right side of an assignment to one target,
     * {@code target = count()}, which codegen compiles to {@code AGG}/{@code TAGG}; no {@code CALLB}
     * may name them.
     */
    public boolean isAggregation() {
        return aggregation;
    }

    /** Whether {@code count} arguments are acceptable. */
    public boolean accepts(int count) {
        return count >= minArgs && (maxArgs == VARIADIC || count <= maxArgs);
    }

    /**
     * The builtin spelled {@code qualifiedName} ({@code "printf"}, {@code "table.new"}), aliases
     * included; never an aggregation (see {@link #aggregation(String)}).
     */
    public static Optional<Builtin> byName(String qualifiedName) {
        return Optional.ofNullable(BY_NAME.get(qualifiedName));
    }

    /** The aggregation function named {@code name} ({@code "count"}, {@code "lhist"}, ...). */
    public static Optional<Builtin> aggregation(String name) {
        return Optional.ofNullable(AGGREGATIONS.get(name));
    }

    /** The builtin with the stable id {@code id}. */
    public static Optional<Builtin> byId(int id) {
        return Optional.ofNullable(BY_ID.get(id));
    }

    /** Whether {@code name} is a library table ({@code table}, {@code kdebug}, {@code ansi}, {@code net}). */
    public static boolean isLibrary(String name) {
        for (Builtin b : values()) {
            if (name.equals(b.library)) {
                return true;
            }
        }
        return false;
    }
}
