package io.ktap.api;

import io.ktap.ast.AstPrinter;
import io.ktap.ast.BinOp;
import io.ktap.ast.Block;
import io.ktap.ast.Builtin;
import io.ktap.ast.Expr;
import io.ktap.ast.FunctionBody;
import io.ktap.ast.Span;
import io.ktap.ast.TableField;
import io.ktap.ast.UnOp;
import io.ktap.trace.RecordType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The fluent Java API for ktap programs: {@link #program()} starts a {@link ProgramBuilder}, and
 * the static factories here make the expressions. Import them all at once:
 * <pre>{@code
 * import static io.ktap.api.Ktap.*;
 *
 * Program p = program()
 *         .var("s", table())
 *         .trace("syscalls:sys_enter_*", h -> h.add(index(name("s"), argname()), 1))
 *         .traceEnd(h -> h.histogram(name("s")))
 *         .build();
 * }</pre>
 * is the AST of the script
 * <pre>
 * var s = {}
 * trace syscalls:sys_enter_* { s[argname] += 1 }
 * trace_end { histogram(s) }
 * </pre>
 * and equals what the compiler parses from it (spans aside).
 *
 * <h2>Values</h2>
 * Wherever an expression is expected, a plain Java value works too, converted by
 * {@link #val(Object)}: an {@link Expr} is itself, a {@code long}/{@code int} is a number literal,
 * a {@link String} is a string literal (its UTF-8 bytes), a {@code boolean} is {@code true} or
 * {@code false}, {@code null} is {@code nil}. Names are never implicit: write {@link #name(String)}.
 *
 * <h2>Checked where written</h2>
 * Every factory checks what it is given and throws {@link IllegalArgumentException} with the
 * reason: a name that is a keyword, a builtin called with the wrong number of arguments, a
 * malformed probe, an impossible timer period.
 *
 * <h2>Builtins</h2>
 * Every {@link Builtin} has a typed factory named after it in camel case ({@link #pid()},
 * {@link #userString(Object)}, {@link #histogram(Object)}, {@link #tableNew()},
 * {@link #ansiSetColor(Object)}, ...), and {@link #call(Builtin, Object...)} calls any of them.
 */
public final class Ktap {

    private static final Pattern EVENT_ARG = Pattern.compile("arg([0-9])");

    private Ktap() {
    }

    // ---------------------------------------------------------------- programs and blocks

    /** Starts a program. */
    public static ProgramBuilder program() {
        return new ProgramBuilder();
    }

    /** A block of statements, for use with the AST records directly. */
    public static Block block(Consumer<? super Body> body) {
        return Statements.build(body);
    }

    /** A kernel event filter for {@link ProgramBuilder#trace(String, Filter, Consumer)}. */
    public static Filter filter(String expression) {
        return new Filter(expression);
    }

    // ---------------------------------------------------------------- values and literals

    /**
     * A Java value as an expression: an {@link Expr} is itself; {@link Long}, {@link Integer},
     * {@link Short}, {@link Byte} are number literals; a {@link String} is a string literal;
     * a {@link Boolean} is {@code true}/{@code false}; {@code null} is {@code nil}.
     *
     * @throws IllegalArgumentException for any other type
     */
    public static Expr val(Object value) {
        if (value == null) {
            return nil();
        } else if (value instanceof Expr e) {
            return e;
        } else if (value instanceof String s) {
            return lit(s);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return lit(((Number) value).longValue());
        } else if (value instanceof Boolean b) {
            return lit(b);
        }
        throw new IllegalArgumentException("a " + value.getClass().getName()
                + " is not a ktap value: use an Expr, a whole number, a String, a boolean or null");
    }

    static List<Expr> vals(Object... values) {
        List<Expr> list = new ArrayList<>(values.length);
        for (Object v : values) {
            list.add(val(v));
        }
        return list;
    }

    /** A number literal; {@code lit(-5)} is the literal {@code -5}, as the compiler reads it. */
    public static Expr.Int lit(long value) {
        return new Expr.Int(Span.NONE, value);
    }

    /** A string literal holding the UTF-8 bytes of {@code text}. */
    public static Expr.Str lit(String text) {
        return Expr.Str.text(Span.NONE, Objects.requireNonNull(text, "text"));
    }

    /** A string literal holding exactly these bytes. */
    public static Expr.Str bytes(byte[] bytes) {
        return new Expr.Str(Span.NONE, new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /** {@code true} or {@code false}. */
    public static Expr.Bool lit(boolean value) {
        return new Expr.Bool(Span.NONE, value);
    }

    /** {@code nil}. */
    public static Expr.Nil nil() {
        return new Expr.Nil(Span.NONE);
    }

    /** {@code ...}: the extra arguments of a variadic function. */
    public static Expr.Vararg vararg() {
        return new Expr.Vararg(Span.NONE);
    }

    // ---------------------------------------------------------------- names, fields, calls

    /**
     * A variable, function or builtin by name: a local, an upvalue, a global or a bare-word
     * builtin ({@code pid}).
     *
     * @throws IllegalArgumentException if the word is a keyword or not an identifier
     */
    public static Expr.Name name(String name) {
        return new Expr.Name(Span.NONE, checkName(name, "name"));
    }

    /** {@code target[key]}; a String key is a string literal, so {@code index(t, "k")} is {@code t.k}. */
    public static Expr.Index index(Expr target, Object key) {
        Objects.requireNonNull(target, "target");
        return new Expr.Index(Span.NONE, target, val(key));
    }

    /** {@code target.field}. */
    public static Expr.Index field(Expr target, String field) {
        return index(target, lit(field));
    }

    /** {@code callee(args...)}: calls a function value. */
    public static Expr.Call call(Expr callee, Object... args) {
        Objects.requireNonNull(callee, "callee");
        return new Expr.Call(Span.NONE, callee, vals(args));
    }

    /** {@code function(args...)}: calls a function of the script by name. */
    public static Expr.Call call(String function, Object... args) {
        return call(name(function), args);
    }

    /**
     * {@code builtin(args...)}: calls a builtin ({@code printf(...)}) or library function
     * ({@code table.new(...)}) by its canonical name.
     *
     * @throws IllegalArgumentException if the builtin does not take that many arguments
     */
    public static Expr.Call call(Builtin builtin, Object... args) {
        Objects.requireNonNull(builtin, "builtin");
        if (!builtin.accepts(args.length)) {
            String range = builtin.maxArgs() == Builtin.VARIADIC ? "at least " + builtin.minArgs()
                    : builtin.minArgs() == builtin.maxArgs() ? String.valueOf(builtin.minArgs())
                    : builtin.minArgs() + " to " + builtin.maxArgs();
            throw new IllegalArgumentException(builtin.qualifiedName() + " takes " + range + " argument"
                    + (range.endsWith(" 1") || range.equals("1") ? "" : "s") + ", not " + args.length);
        }
        Expr callee = builtin.library() == null
                ? new Expr.Name(Span.NONE, builtin.functionName())
                : new Expr.Index(Span.NONE, new Expr.Name(Span.NONE, builtin.library()),
                        new Expr.Str(Span.NONE, builtin.functionName()));
        return call(callee, args);
    }

    /** {@code receiver:method(args...)}: calls {@code receiver.method(receiver, args...)}. */
    public static Expr.MethodCall method(Expr receiver, String method, Object... args) {
        Objects.requireNonNull(receiver, "receiver");
        return new Expr.MethodCall(Span.NONE, receiver, checkField(method, "method name"), vals(args));
    }

    // ---------------------------------------------------------------- functions and tables

    /** A parameter list; add {@code ...} with {@link Params#varargs()}. */
    public static Params params(String... names) {
        return new Params(Arrays.asList(names), false);
    }

    /** {@code function (params) { body }}: an anonymous function, a closure over the names it uses. */
    public static Expr.Function fn(Params params, Consumer<? super Body> body) {
        return new Expr.Function(Span.NONE, new FunctionBody(Span.NONE, params.names(), params.variadic(),
                Statements.build(body)));
    }

    /** {@code function (p1, p2) { body }}. */
    public static Expr.Function fn(List<String> params, Consumer<? super Body> body) {
        return fn(new Params(params, false), body);
    }

    /**
     * A table constructor: each item is either an {@link #entry} ({@code k = v},
     * {@code [k] = v}) or a value stored at the next list index (1, 2, ...).
     * {@code table()} is the empty table {@code {}}.
     */
    public static Expr.Table table(Object... items) {
        List<TableField> fields = new ArrayList<>(items.length);
        for (Object item : items) {
            fields.add(item instanceof TableField f ? f : new TableField.Positional(Span.NONE, val(item)));
        }
        return new Expr.Table(Span.NONE, fields);
    }

    /** A keyed table entry {@code [key] = value}; a String key is {@code key = value}. */
    public static TableField.Keyed entry(Object key, Object value) {
        Expr k = val(key);
        if (k instanceof Expr.Nil) {
            throw new IllegalArgumentException("a table key cannot be nil");
        }
        return new TableField.Keyed(Span.NONE, k, val(value));
    }

    // ---------------------------------------------------------------- event context

    /** {@code arg1} .. {@code arg9}: the current event's fields in format order. */
    public static Expr.EventArg arg(int index) {
        if (index == 0) {
            throw new IllegalArgumentException("there is no arg0: event fields are arg1..arg9 "
                    + "(for syscalls arg1 is the syscall number, for kprobes/uprobes the probed ip)");
        }
        return new Expr.EventArg(Span.NONE, index);
    }

    /** {@code argevent}: the event as a line of the tracefs {@code trace} file. */
    public static Expr.EventVar argevent() {
        return new Expr.EventVar(Span.NONE, Expr.EventVar.Kind.ARGEVENT);
    }

    /** {@code argname}: the event's name, such as {@code sys_enter_openat}. */
    public static Expr.EventVar argname() {
        return new Expr.EventVar(Span.NONE, Expr.EventVar.Kind.ARGNAME);
    }

    // ---------------------------------------------------------------- operators

    /** {@code left op right} for any binary operator. */
    public static Expr.Binary binary(BinOp op, Object left, Object right) {
        return new Expr.Binary(Span.NONE, Objects.requireNonNull(op, "op"), val(left), val(right));
    }

    /** {@code op operand} for any unary operator. */
    public static Expr.Unary unary(UnOp op, Object operand) {
        return new Expr.Unary(Span.NONE, Objects.requireNonNull(op, "op"), val(operand));
    }

    /** {@code a + b}. */
    public static Expr.Binary plus(Object a, Object b) {
        return binary(BinOp.ADD, a, b);
    }

    /** {@code a - b}. */
    public static Expr.Binary minus(Object a, Object b) {
        return binary(BinOp.SUB, a, b);
    }

    /** {@code a * b}. */
    public static Expr.Binary times(Object a, Object b) {
        return binary(BinOp.MUL, a, b);
    }

    /** {@code a / b} (integer division; division by zero is a runtime error). */
    public static Expr.Binary div(Object a, Object b) {
        return binary(BinOp.DIV, a, b);
    }

    /** {@code a % b}. */
    public static Expr.Binary mod(Object a, Object b) {
        return binary(BinOp.MOD, a, b);
    }

    /** {@code a ^ b}. */
    public static Expr.Binary pow(Object a, Object b) {
        return binary(BinOp.POW, a, b);
    }

    /** {@code a .. b}: string concatenation. */
    public static Expr.Binary concat(Object a, Object b) {
        return binary(BinOp.CONCAT, a, b);
    }

    /** {@code a == b}. */
    public static Expr.Binary eq(Object a, Object b) {
        return binary(BinOp.EQ, a, b);
    }

    /** {@code a != b}. */
    public static Expr.Binary ne(Object a, Object b) {
        return binary(BinOp.NE, a, b);
    }

    /** {@code a < b}. */
    public static Expr.Binary lt(Object a, Object b) {
        return binary(BinOp.LT, a, b);
    }

    /** {@code a <= b}. */
    public static Expr.Binary le(Object a, Object b) {
        return binary(BinOp.LE, a, b);
    }

    /** {@code a > b}. */
    public static Expr.Binary gt(Object a, Object b) {
        return binary(BinOp.GT, a, b);
    }

    /** {@code a >= b}. */
    public static Expr.Binary ge(Object a, Object b) {
        return binary(BinOp.GE, a, b);
    }

    /** {@code a && b}: {@code a} if it is false or nil, else {@code b}. */
    public static Expr.Binary and(Object a, Object b) {
        return binary(BinOp.AND, a, b);
    }

    /** {@code a || b}: {@code a} unless it is false or nil, else {@code b}. */
    public static Expr.Binary or(Object a, Object b) {
        return binary(BinOp.OR, a, b);
    }

    /** {@code !a}. */
    public static Expr.Unary not(Object a) {
        return unary(UnOp.NOT, a);
    }

    /** {@code -a}. */
    public static Expr.Unary neg(Object a) {
        return unary(UnOp.NEG, a);
    }

    // ---------------------------------------------------------------- checks

    /** Returns {@code word} if it can follow {@code .} or {@code :} (keywords can), else throws. */
    static String checkField(String word, String what) {
        Objects.requireNonNull(word, what);
        if (!AstPrinter.isFieldName(word)) {
            throw new IllegalArgumentException("'" + word + "' is not a " + what
                    + ": letters, digits and '_', not starting with a digit");
        }
        return word;
    }

    /** Returns {@code word} if it can be a name, else throws with the reason. */
    static String checkName(String word, String what) {
        Objects.requireNonNull(word, what);
        if (AstPrinter.isName(word)) {
            return word;
        }
        var m = EVENT_ARG.matcher(word);
        if (m.matches()) {
            throw new IllegalArgumentException("'" + word + "' is an event field, not a " + what
                    + (word.equals("arg0") ? " (fields are arg1..arg9)" : ": use arg(" + m.group(1) + ")"));
        }
        if (AstPrinter.KEYWORDS.contains(word)) {
            throw new IllegalArgumentException("'" + word + "' is a keyword, not a " + what);
        }
        throw new IllegalArgumentException("'" + word + "' is not a " + what
                + ": letters, digits and '_', not starting with a digit");
    }

    // ---------------------------------------------------------------- builtins

    /**
     * {@code emit("Type", fields...)}: writes a typed record of the Java record class {@code type}
     * (named by its simple name), the values in component order. The program must declare the class
     * ({@code TraceProgram.of(program).withRecords(type)}) for the values to be checked against the
     * component types and decoded into {@code type}.
     *
     * @throws IllegalArgumentException if {@code type} is not usable as a typed record
     *                                  ({@link RecordType#of(Class)}) or the number of values is not its
     *                                  number of components
     */
    public static Expr.Call emit(Class<? extends Record> type, Object... fields) {
        RecordType t = RecordType.of(type);
        if (fields.length != t.fields().size()) {
            throw new IllegalArgumentException("record " + type.getSimpleName() + " has " + t.fields().size()
                    + " components " + t.fieldNames() + ", not " + fields.length + " values");
        }
        return emit(t.name(), fields);
    }

    /**
     * {@code emit("name", fields...)}: writes a typed record named {@code name}; with no declared
     * record type of that name, its fields are named after the value expressions and dynamically
     * typed (see the user guide's typed records).
     *
     * @throws IllegalArgumentException if {@code name} is empty or no value is given
     */
    public static Expr.Call emit(String name, Object... fields) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a record type needs a name");
        }
        if (fields.length == 0) {
            throw new IllegalArgumentException("emit needs at least one value for record " + name);
        }
        Object[] args = new Object[fields.length + 1];
        args[0] = lit(name);
        System.arraycopy(fields, 0, args, 1, fields.length);
        return call(Builtin.EMIT, args);
    }

    /** {@code print(values...)}: the values separated by tabs, then a newline. */
    public static Expr.Call print(Object... values) {
        return call(Builtin.PRINT, values);
    }

    /** {@code printf(format, args...)}: C-like formatted output. */
    public static Expr.Call printf(Object format, Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = format;
        System.arraycopy(args, 0, all, 1, args.length);
        return call(Builtin.PRINTF, all);
    }

    /** {@code pairs(table)}: iterates over every key and value of a table, for {@code for (k, v in pairs(t))}. */
    public static Expr.Call pairs(Object table) {
        return call(Builtin.PAIRS, table);
    }

    /** {@code len(value)}: the length of a string, or the number of entries of a table. */
    public static Expr.Call len(Object value) {
        return call(Builtin.LEN, value);
    }

    /** {@code exit()}: stops tracing; the {@code trace_end} block still runs. */
    public static Expr.Call exit() {
        return call(Builtin.EXIT);
    }

    /** {@code exit(code)}: stops tracing; the {@code trace_end} block still runs. */
    public static Expr.Call exit(Object code) {
        return call(Builtin.EXIT, code);
    }

    /** {@code pid()}: the current process id. */
    public static Expr.Call pid() {
        return call(Builtin.PID);
    }

    /** {@code tid()}: the current thread id. */
    public static Expr.Call tid() {
        return call(Builtin.TID);
    }

    /** {@code uid()}: the current process's user id. */
    public static Expr.Call uid() {
        return call(Builtin.UID);
    }

    /** {@code execname()}: the current process's executable name. */
    public static Expr.Call execname() {
        return call(Builtin.EXECNAME);
    }

    /** {@code cpu()}: the current CPU. */
    public static Expr.Call cpu() {
        return call(Builtin.CPU);
    }

    /** {@code arch()}: the machine architecture, such as {@code x86_64}. */
    public static Expr.Call arch() {
        return call(Builtin.ARCH);
    }

    /** {@code kernel_v()}: the kernel version string. */
    public static Expr.Call kernelV() {
        return call(Builtin.KERNEL_V);
    }

    /** {@code user_string(address)}: the NUL-terminated string at a userspace address. */
    public static Expr.Call userString(Object address) {
        return call(Builtin.USER_STRING, address);
    }

    /** {@code kernel_string(address)}: the NUL-terminated string at a kernel address. */
    public static Expr.Call kernelString(Object address) {
        return call(Builtin.KERNEL_STRING, address);
    }

    /** {@code histogram(table)}: prints a table of counts as a histogram, largest first (alias {@code print_hist}). */
    public static Expr.Call histogram(Object table) {
        return call(Builtin.HISTOGRAM, table);
    }

    /** {@code histogram(table, rows)}: prints a table of counts as a histogram, largest first (alias {@code print_hist}). */
    public static Expr.Call histogram(Object table, Object rows) {
        return call(Builtin.HISTOGRAM, table, rows);
    }

    /** {@code curr_task_info(offset)}: reads a field of the current {@code task_struct} at an offset (4 or 8 bytes, default 4). */
    public static Expr.Call currTaskInfo(Object offset) {
        return call(Builtin.CURR_TASK_INFO, offset);
    }

    /** {@code curr_task_info(offset, fetchBytes)}: reads a field of the current {@code task_struct} at an offset (4 or 8 bytes, default 4). */
    public static Expr.Call currTaskInfo(Object offset, Object fetchBytes) {
        return call(Builtin.CURR_TASK_INFO, offset, fetchBytes);
    }

    /** {@code print_backtrace()}: prints the current kernel stack backtrace. */
    public static Expr.Call printBacktrace() {
        return call(Builtin.PRINT_BACKTRACE);
    }

    /** {@code stack()}: the current kernel stack, as a string. */
    public static Expr.Call stack() {
        return call(Builtin.STACK);
    }

    /** {@code in_interrupt()}: whether the handler runs in interrupt context. */
    public static Expr.Call inInterrupt() {
        return call(Builtin.IN_INTERRUPT);
    }

    /** {@code num_cpus()}: the number of CPUs. */
    public static Expr.Call numCpus() {
        return call(Builtin.NUM_CPUS);
    }

    /** {@code gettimeofday_s()}: the wall-clock time in seconds. */
    public static Expr.Call gettimeofdayS() {
        return call(Builtin.GETTIMEOFDAY_S);
    }

    /** {@code gettimeofday_ms()}: the wall-clock time in milliseconds. */
    public static Expr.Call gettimeofdayMs() {
        return call(Builtin.GETTIMEOFDAY_MS);
    }

    /** {@code gettimeofday_us()}: the wall-clock time in microseconds. */
    public static Expr.Call gettimeofdayUs() {
        return call(Builtin.GETTIMEOFDAY_US);
    }

    /** {@code gettimeofday_ns()}: the wall-clock time in nanoseconds. */
    public static Expr.Call gettimeofdayNs() {
        return call(Builtin.GETTIMEOFDAY_NS);
    }

    /** {@code delete(table)}: empties a table, or removes one key. */
    public static Expr.Call delete(Object table) {
        return call(Builtin.DELETE, table);
    }

    /** {@code delete(table, key)}: empties a table, or removes one key. */
    public static Expr.Call delete(Object table, Object key) {
        return call(Builtin.DELETE, table, key);
    }

    /** {@code stringof(value)}: a value as a string. */
    public static Expr.Call stringof(Object value) {
        return call(Builtin.STRINGOF, value);
    }

    /** {@code ipof(address)}: an address shown as its kernel symbol. */
    public static Expr.Call ipof(Object address) {
        return call(Builtin.IPOF, address);
    }

    /** {@code in_iowait()}: whether the current task waits for I/O. */
    public static Expr.Call inIowait() {
        return call(Builtin.IN_IOWAIT);
    }

    /** {@code print_trace_clock()}: prints the trace clock. */
    public static Expr.Call printTraceClock() {
        return call(Builtin.PRINT_TRACE_CLOCK);
    }

    /** {@code inplace_inc(table, key)}: {@code t[k] += n}, n defaulting to 1 (the 2013 API). */
    public static Expr.Call inplaceInc(Object table, Object key) {
        return call(Builtin.INPLACE_INC, table, key);
    }

    /** {@code inplace_inc(table, key, n)}: {@code t[k] += n}, n defaulting to 1 (the 2013 API). */
    public static Expr.Call inplaceInc(Object table, Object key, Object n) {
        return call(Builtin.INPLACE_INC, table, key, n);
    }

    /** {@code table.new()}: a new table presized for {@code narr} list items and {@code nrec} keyed entries. */
    public static Expr.Call tableNew() {
        return call(Builtin.TABLE_NEW);
    }

    /** {@code table.new(narr)}: a new table presized for {@code narr} list items and {@code nrec} keyed entries. */
    public static Expr.Call tableNew(Object narr) {
        return call(Builtin.TABLE_NEW, narr);
    }

    /** {@code table.new(narr, nrec)}: a new table presized for {@code narr} list items and {@code nrec} keyed entries. */
    public static Expr.Call tableNew(Object narr, Object nrec) {
        return call(Builtin.TABLE_NEW, narr, nrec);
    }

    /** {@code kdebug.probe_by_id(eventdefInfo, handler)}: registers a handler for event ids (the library form beneath {@code trace}). */
    public static Expr.Call kdebugProbeById(Object eventdefInfo, Object handler) {
        return call(Builtin.KDEBUG_PROBE_BY_ID, eventdefInfo, handler);
    }

    /** {@code kdebug.probe_end(handler)}: registers a function to run when tracing ends (the library form of {@code trace_end}). */
    public static Expr.Call kdebugProbeEnd(Object handler) {
        return call(Builtin.KDEBUG_PROBE_END, handler);
    }

    /** {@code kdebug.probe(eventdef, handler)}: the 2013 API: registers {@code fn(e)} for an EVENTDEF such as {@code "tp:syscalls"}. */
    public static Expr.Call kdebugProbe(Object eventdef, Object handler) {
        return call(Builtin.KDEBUG_PROBE, eventdef, handler);
    }

    /** {@code ansi.clear_screen()}: clears the terminal. */
    public static Expr.Call ansiClearScreen() {
        return call(Builtin.ANSI_CLEAR_SCREEN);
    }

    /** {@code ansi.set_color(fg)}: sets the terminal foreground colour. */
    public static Expr.Call ansiSetColor(Object fg) {
        return call(Builtin.ANSI_SET_COLOR, fg);
    }

    /** {@code ansi.set_color2(fg, bg)}: sets the terminal foreground and background colours. */
    public static Expr.Call ansiSetColor2(Object fg, Object bg) {
        return call(Builtin.ANSI_SET_COLOR2, fg, bg);
    }

    /** {@code ansi.set_color3(attr, fg, bg)}: sets the terminal attribute, foreground and background colours. */
    public static Expr.Call ansiSetColor3(Object attr, Object fg, Object bg) {
        return call(Builtin.ANSI_SET_COLOR3, attr, fg, bg);
    }

    /** {@code ansi.reset_color()}: resets the terminal colours. */
    public static Expr.Call ansiResetColor() {
        return call(Builtin.ANSI_RESET_COLOR);
    }

    /** {@code ansi.new_line()}: prints a newline. */
    public static Expr.Call ansiNewLine() {
        return call(Builtin.ANSI_NEW_LINE);
    }

    /** {@code net.ip_sock_saddr(sock)}: the source IPv4 address of a socket. */
    public static Expr.Call netIpSockSaddr(Object sock) {
        return call(Builtin.NET_IP_SOCK_SADDR, sock);
    }

    /** {@code net.ip_sock_daddr(sock)}: the destination IPv4 address of a socket. */
    public static Expr.Call netIpSockDaddr(Object sock) {
        return call(Builtin.NET_IP_SOCK_DADDR, sock);
    }

    /** {@code net.format_ip_addr(address)}: an IPv4 address in dotted form. */
    public static Expr.Call netFormatIpAddr(Object address) {
        return call(Builtin.NET_FORMAT_IP_ADDR, address);
    }

    // ---------------------------------------------------------------- aggregations

    // Valid only as the whole right side of an assignment to one target (Statements#aggregate):
    // codegen rejects them anywhere else.

    /** {@code count()}: the aggregation counting its updates ({@code s[k] = count()}). */
    public static Expr.Call count() {
        return call(Builtin.COUNT);
    }

    /** {@code sum(value)}: the aggregation totalling its values. */
    public static Expr.Call sum(Object value) {
        return call(Builtin.SUM, value);
    }

    /** {@code min(value)}: the aggregation keeping its smallest value. */
    public static Expr.Call min(Object value) {
        return call(Builtin.MIN, value);
    }

    /** {@code max(value)}: the aggregation keeping its largest value. */
    public static Expr.Call max(Object value) {
        return call(Builtin.MAX, value);
    }

    /** {@code avg(value)}: the aggregation averaging its values (integer division). */
    public static Expr.Call avg(Object value) {
        return call(Builtin.AVG, value);
    }

    /** {@code stats(value)}: the aggregation keeping count, average and total. */
    public static Expr.Call stats(Object value) {
        return call(Builtin.STATS, value);
    }

    /** {@code hist(value)}: the power-of-2 histogram aggregation. */
    public static Expr.Call hist(Object value) {
        return call(Builtin.HIST, value);
    }

    /**
     * {@code lhist(value, min, max, step)}: the linear histogram aggregation. The bounds must be
     * integer literals ({@link #lit(long)}) with {@code max - min} a positive multiple of
     * {@code step}, at most 1000 steps; codegen reports any other.
     */
    public static Expr.Call lhist(Object value, Object min, Object max, Object step) {
        return call(Builtin.LHIST, value, min, max, step);
    }

    /**
     * {@code lhist(value, min, max, step)} with checked bounds: {@code max - min} must be a positive
     * multiple of {@code step}, at most 1000 steps.
     *
     * @throws IllegalArgumentException if the bounds are invalid
     */
    public static Expr.Call lhist(Object value, long min, long max, long step) {
        if (io.ktap.trace.AggregationKind.lhistBuckets(min, max, step) < 0) {
            throw new IllegalArgumentException("lhist bounds " + min + ", " + max + ", " + step
                    + ": need min < max, step >= 1 dividing max - min, at most "
                    + io.ktap.trace.AggregationKind.MAX_LHIST_BUCKETS + " steps");
        }
        return call(Builtin.LHIST, value, lit(min), lit(max), lit(step));
    }
}
