package io.ktap.sim;

import io.ktap.vm.KString;
import io.ktap.vm.Printf;
import io.ktap.vm.Values;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code print fmt} of a format file, evaluated the way the kernel's generated output function
 * would: a C format string and C argument expressions over the record ({@code REC->field}, casts,
 * arithmetic, bit operations, comparisons, {@code ?:}, {@code __get_str}, {@code __print_flags},
 * {@code __print_symbolic}). Expressions it cannot evaluate make {@link #render} return null, and
 * the caller falls back to listing the fields. Shared by the sim and host backends.
 */
public final class PrintFormat {

    private final String format;
    private final List<Node> args;

    private PrintFormat(String format, List<Node> args) {
        this.format = format;
        this.args = args;
    }

    /** Parses {@code "fmt", arg, ...}, or returns null when the text is beyond this evaluator. */
    public static PrintFormat parse(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            Parser p = new Parser(new Lexer(text).tokens());
            String fmt = p.strings();
            List<Node> args = new ArrayList<>();
            while (p.accept(",")) {
                args.add(p.expr());
            }
            p.expectEnd();
            return new PrintFormat(fmt, args);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Formats the record whose fields {@code field} looks up (a {@link Long} or a {@link String};
     * null for an unknown field), or returns null when an expression cannot be evaluated.
     */
    public String render(Function<String, Object> field) {
        return render(field, null);
    }

    /**
     * As {@link #render(Function)}, printing the kernel's symbol conversions ({@code %ps}: the
     * symbol, {@code %pS}/{@code %pB}: symbol+offset/size) through {@code symbols}, which returns
     * null for an address in no known symbol; {@code symbols} null prints every pointer as hex.
     */
    public String render(Function<String, Object> field, Symbols symbols) {
        try {
            Object[] values = new Object[args.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = args.get(i).eval(field);
            }
            return format(format, values, symbols);
        } catch (IllegalArgumentException | ArithmeticException e) {
            return null;
        }
    }

    /** Names kernel addresses for {@code %ps}/{@code %pS}. */
    public interface Symbols {
        /**
         * The symbol holding {@code addr}: with {@code +0xoff/0xsize} when {@code offset}, or null
         * when no symbol holds it.
         */
        String symbolize(long addr, boolean offset);
    }

    /** C printf over Java values, one conversion at a time through {@link Printf}. */
    private static String format(String fmt, Object[] values, Symbols symbols) {
        StringBuilder out = new StringBuilder();
        int arg = 0;
        int i = 0;
        while (i < fmt.length()) {
            char c = fmt.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            int start = i++;
            while (i < fmt.length() && "-+ #0123456789.*hlzjtL".indexOf(fmt.charAt(i)) >= 0) {
                i++;
            }
            if (i >= fmt.length()) {
                throw new IllegalArgumentException("truncated conversion");
            }
            char conv = fmt.charAt(i++);
            if (conv == '%') {
                out.append('%');
                continue;
            }
            if (arg >= values.length) {
                throw new IllegalArgumentException("too few arguments");
            }
            Object v = values[arg++];
            String spec = fmt.substring(start, i);
            if (conv == 'p') {
                // Kernel pointer extensions (%pS, %pI4, %pK...): symbols by name, others as hex.
                int ext = i;
                while (i < fmt.length() && Character.isLetterOrDigit(fmt.charAt(i))) {
                    i++;
                }
                char kind = ext < i ? fmt.charAt(ext) : 0;
                if (symbols != null && v instanceof Long addr && "sSBfF".indexOf(kind) >= 0 && kind != 0) {
                    String sym = symbols.symbolize(addr, kind != 's' && kind != 'f');
                    if (sym != null) {
                        out.append(sym);
                        continue;
                    }
                }
                spec = spec.substring(0, spec.length() - 1) + "llx";
                out.append("0x");
            }
            Object[] refs = new Object[1];
            long[] nums = new long[1];
            if (v instanceof Long l) {
                refs[0] = Values.INT;
                nums[0] = l;
            } else {
                refs[0] = KString.of(String.valueOf(v));
                if ("diouxXc".indexOf(conv) >= 0) {
                    throw new IllegalArgumentException("a string for %" + conv);
                }
            }
            byte[] bytes = Printf.format("print fmt", KString.of(spec), refs, nums, 0, 1);
            out.append(new String(bytes, StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    // ---- expressions ---------------------------------------------------------------------------

    private interface Node {
        Object eval(Function<String, Object> field);
    }

    private static long num(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        throw new IllegalArgumentException("not a number: " + v);
    }

    private record Lit(Object value) implements Node {
        @Override
        public Object eval(Function<String, Object> field) {
            return value;
        }
    }

    private record FieldRef(String name) implements Node {
        @Override
        public Object eval(Function<String, Object> field) {
            Object v = field.apply(name);
            if (v == null) {
                throw new IllegalArgumentException("no field " + name);
            }
            return v;
        }
    }

    private record Cast(int bytes, boolean signed, Node operand) implements Node {
        @Override
        public Object eval(Function<String, Object> field) {
            Object v = operand.eval(field);
            if (!(v instanceof Long l) || bytes >= 8) {
                return v;
            }
            int bits = bytes * 8;
            long mask = (1L << bits) - 1;
            long x = l & mask;
            if (signed && (x & (1L << (bits - 1))) != 0) {
                x |= ~mask;
            }
            return x;
        }
    }

    private record Unary(String op, Node operand) implements Node {
        @Override
        public Object eval(Function<String, Object> field) {
            Object v = operand.eval(field);
            return switch (op) {
                case "-" -> -num(v);
                case "~" -> ~num(v);
                case "!" -> truth(v) ? 0L : 1L;
                default -> throw new IllegalArgumentException(op);
            };
        }
    }

    private static boolean truth(Object v) {
        return v instanceof Long l ? l != 0 : v != null;
    }

    private record Binary(String op, Node left, Node right) implements Node {
        @Override
        public Object eval(Function<String, Object> field) {
            if (op.equals("&&")) {
                return truth(left.eval(field)) && truth(right.eval(field)) ? 1L : 0L;
            }
            if (op.equals("||")) {
                return truth(left.eval(field)) || truth(right.eval(field)) ? 1L : 0L;
            }
            long x = num(left.eval(field));
            long y = num(right.eval(field));
            return switch (op) {
                case "+" -> x + y;
                case "-" -> x - y;
                case "*" -> x * y;
                case "/" -> x / y;
                case "%" -> x % y;
                case "<<" -> x << y;
                case ">>" -> x >> y;
                case "&" -> x & y;
                case "|" -> x | y;
                case "^" -> x ^ y;
                case "<" -> x < y ? 1L : 0L;
                case ">" -> x > y ? 1L : 0L;
                case "<=" -> x <= y ? 1L : 0L;
                case ">=" -> x >= y ? 1L : 0L;
                case "==" -> x == y ? 1L : 0L;
                case "!=" -> x != y ? 1L : 0L;
                default -> throw new IllegalArgumentException(op);
            };
        }
    }

    private record Conditional(Node cond, Node then, Node otherwise) implements Node {
        @Override
        public Object eval(Function<String, Object> field) {
            return truth(cond.eval(field)) ? then.eval(field) : otherwise.eval(field);
        }
    }

    /** {@code __print_flags(value, "delim", {bit, "name"}, ...)} and {@code __print_symbolic(value, {v, "name"}, ...)}. */
    private record Flags(boolean symbolic, Node value, String delim, List<long[]> keys, List<String> names)
            implements Node {
        @Override
        public Object eval(Function<String, Object> field) {
            long v = num(value.eval(field));
            if (symbolic) {
                for (int i = 0; i < keys.size(); i++) {
                    if (keys.get(i)[0] == v) {
                        return names.get(i);
                    }
                }
                return "0x" + Long.toHexString(v);
            }
            StringBuilder sb = new StringBuilder();
            long rest = v;
            for (int i = 0; i < keys.size(); i++) {
                long bit = keys.get(i)[0];
                if (bit == 0 ? v == 0 : (rest & bit) == bit) {
                    if (sb.length() > 0) {
                        sb.append(delim);
                    }
                    sb.append(names.get(i));
                    rest &= ~bit;
                }
            }
            if (rest != 0) {
                if (sb.length() > 0) {
                    sb.append(delim);
                }
                sb.append("0x").append(Long.toHexString(rest));
            }
            return sb.toString();
        }
    }

    // ---- lexer and parser ------------------------------------------------------------------------

    private record Token(String kind, String text) {
        // kind: str, num, id, op, end
    }

    private static final class Lexer {
        private final String s;
        private int i;

        Lexer(String s) {
            this.s = s;
        }

        List<Token> tokens() {
            List<Token> out = new ArrayList<>();
            while (true) {
                while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                if (i >= s.length()) {
                    out.add(new Token("end", ""));
                    return out;
                }
                char c = s.charAt(i);
                if (c == '"') {
                    out.add(new Token("str", string()));
                } else if (Character.isDigit(c)) {
                    int st = i;
                    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)))) {
                        i++;
                    }
                    out.add(new Token("num", s.substring(st, i)));
                } else if (Character.isLetter(c) || c == '_') {
                    int st = i;
                    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                        i++;
                    }
                    out.add(new Token("id", s.substring(st, i)));
                } else {
                    String[] ops = {"->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||"};
                    String op = null;
                    for (String o : ops) {
                        if (s.startsWith(o, i)) {
                            op = o;
                            break;
                        }
                    }
                    if (op == null) {
                        if ("()[]{},?:+-*/%<>&|^!~.".indexOf(c) < 0) {
                            throw new IllegalArgumentException("unexpected '" + c + "'");
                        }
                        op = String.valueOf(c);
                    }
                    i += op.length();
                    out.add(new Token("op", op));
                }
            }
        }

        private String string() {
            StringBuilder sb = new StringBuilder();
            i++;
            while (i < s.length() && s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\' && i < s.length()) {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case '\\' -> sb.append('\\');
                        case '"' -> sb.append('"');
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
            if (i >= s.length()) {
                throw new IllegalArgumentException("unterminated string");
            }
            i++;
            return sb.toString();
        }
    }

    private static final class Parser {
        private final List<Token> t;
        private int p;

        Parser(List<Token> tokens) {
            this.t = tokens;
        }

        private Token peek() {
            return t.get(p);
        }

        private Token peek(int ahead) {
            return t.get(Math.min(p + ahead, t.size() - 1));
        }

        boolean accept(String op) {
            if (peek().kind().equals("op") && peek().text().equals(op)) {
                p++;
                return true;
            }
            return false;
        }

        void expect(String op) {
            if (!accept(op)) {
                throw new IllegalArgumentException("expected " + op + " at " + peek().text());
            }
        }

        void expectEnd() {
            if (!peek().kind().equals("end")) {
                throw new IllegalArgumentException("trailing " + peek().text());
            }
        }

        String strings() {
            if (!peek().kind().equals("str")) {
                throw new IllegalArgumentException("expected a string");
            }
            StringBuilder sb = new StringBuilder();
            while (peek().kind().equals("str")) {
                sb.append(t.get(p++).text());
            }
            return sb.toString();
        }

        Node expr() {
            Node c = binary(0);
            if (accept("?")) {
                Node a = expr();
                expect(":");
                Node b = expr();
                return new Conditional(c, a, b);
            }
            return c;
        }

        private static final List<List<String>> LEVELS = List.of(List.of("||"), List.of("&&"), List.of("|"),
                List.of("^"), List.of("&"), List.of("==", "!="), List.of("<", ">", "<=", ">="), List.of("<<", ">>"),
                List.of("+", "-"), List.of("*", "/", "%"));

        private Node binary(int level) {
            if (level == LEVELS.size()) {
                return unary();
            }
            Node left = binary(level + 1);
            while (peek().kind().equals("op") && LEVELS.get(level).contains(peek().text())) {
                String op = t.get(p++).text();
                left = new Binary(op, left, binary(level + 1));
            }
            return left;
        }

        private Node unary() {
            if (peek().kind().equals("op")) {
                String op = peek().text();
                if (op.equals("-") || op.equals("~") || op.equals("!")) {
                    p++;
                    return new Unary(op, unary());
                }
                if (op.equals("(") && isCast()) {
                    p++;
                    List<String> words = new ArrayList<>();
                    while (!accept(")")) {
                        words.add(t.get(p++).text());
                    }
                    return cast(words, unary());
                }
            }
            return postfix(primary());
        }

        private static final java.util.Set<String> TYPE_WORDS = java.util.Set.of("unsigned", "signed", "long", "int",
                "short", "char", "void", "const", "struct", "bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32",
                "s64", "__u8", "__u16", "__u32", "__u64", "__s8", "__s16", "__s32", "__s64", "size_t", "pid_t");

        private boolean isCast() {
            int k = 1;
            boolean any = false;
            while (true) {
                Token tk = peek(k);
                if (tk.kind().equals("op") && tk.text().equals(")")) {
                    return any;
                }
                if (tk.kind().equals("id") && (TYPE_WORDS.contains(tk.text()) || tk.text().endsWith("_t"))) {
                    any = true;
                } else if (!(tk.kind().equals("op") && tk.text().equals("*"))
                        && !(tk.kind().equals("id") && any)) {
                    return false;
                }
                k++;
            }
        }

        private static Node cast(List<String> words, Node operand) {
            if (words.contains("*")) {
                return new Cast(8, false, operand);
            }
            boolean unsigned = words.contains("unsigned") || words.stream().anyMatch(w -> w.startsWith("u")
                    || w.startsWith("__u") || w.equals("size_t"));
            int bytes;
            if (words.contains("char") || words.contains("u8") || words.contains("s8") || words.contains("bool")) {
                bytes = 1;
            } else if (words.contains("short") || words.contains("u16") || words.contains("s16")) {
                bytes = 2;
            } else if (words.contains("long") || words.contains("u64") || words.contains("s64")
                    || words.contains("size_t") || words.contains("__u64") || words.contains("__s64")) {
                bytes = 8;
            } else {
                bytes = 4;
            }
            return new Cast(bytes, !unsigned, operand);
        }

        private Node postfix(Node n) {
            return n;
        }

        private Node primary() {
            Token tk = t.get(p++);
            switch (tk.kind()) {
                case "num" -> {
                    return new Lit(parseInt(tk.text()));
                }
                case "str" -> {
                    p--;
                    return new Lit(strings());
                }
                case "id" -> {
                    String id = tk.text();
                    if (id.equals("REC")) {
                        expect("->");
                        return new FieldRef(t.get(p++).text());
                    }
                    if (accept("(")) {
                        return call(id);
                    }
                    throw new IllegalArgumentException("unknown identifier " + id);
                }
                case "op" -> {
                    if (tk.text().equals("(")) {
                        Node e = expr();
                        expect(")");
                        return e;
                    }
                    throw new IllegalArgumentException("unexpected " + tk.text());
                }
                default -> throw new IllegalArgumentException("unexpected end");
            }
        }

        private Node call(String fn) {
            switch (fn) {
                case "__get_str", "__get_dynamic_array" -> {
                    String name = t.get(p++).text();
                    expect(")");
                    return new FieldRef(name);
                }
                case "__print_flags", "__print_symbolic" -> {
                    boolean symbolic = fn.equals("__print_symbolic");
                    Node value = expr();
                    String delim = "";
                    if (!symbolic) {
                        expect(",");
                        delim = strings();
                    }
                    List<long[]> keys = new ArrayList<>();
                    List<String> names = new ArrayList<>();
                    while (accept(",")) {
                        expect("{");
                        keys.add(new long[] {num(expr().eval(f -> null))});
                        expect(",");
                        names.add(strings());
                        expect("}");
                    }
                    expect(")");
                    return new Flags(symbolic, value, delim, keys, names);
                }
                default -> throw new IllegalArgumentException("unsupported function " + fn);
            }
        }

        private static long parseInt(String text) {
            String s = text.replaceAll("[uUlL]+$", "");
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            if (s.length() > 1 && s.startsWith("0")) {
                return Long.parseLong(s.substring(1), 8);
            }
            return Long.parseLong(s);
        }
    }
}
