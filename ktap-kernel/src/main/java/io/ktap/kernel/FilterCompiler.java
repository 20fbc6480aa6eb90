package io.ktap.kernel;

import io.ktap.host.FieldFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a kernel event filter ({@code /prev_pid == 0 && comm ~ "java*"/}) against one event's
 * fields into the module's postfix program (ktapvm_uapi.h, {@code struct ktapvm_filter_op}). The
 * syntax is the kernel's: predicates {@code field OP value} with {@code == != < <= > >= &} on
 * numbers and {@code == != ~} on strings ({@code *} globs), combined with {@code && || !} and
 * parentheses. A field the event does not have makes its predicate false, as in the simulator.
 */
public final class FilterCompiler {

    static final int NUM = 1;
    static final int STR = 2;
    static final int AND = 3;
    static final int OR = 4;
    static final int NOT = 5;
    static final int FALSE = 6;

    static final int EQ = 1;
    static final int NE = 2;
    static final int LT = 3;
    static final int LE = 4;
    static final int GT = 5;
    static final int GE = 6;
    static final int BAND = 7;
    static final int GLOB = 8;

    private static final int MAX_OPS = 128;

    /** One postfix operation. */
    public record Op(int op, int cmp, int field, long imm, String str) {
    }

    private final List<String> tokens;
    private final List<FieldFormat> fields;
    private final List<Op> out = new ArrayList<>();
    private final String text;
    private int i;

    private FilterCompiler(String text, List<FieldFormat> fields) {
        this.text = text;
        this.tokens = tokenize(text);
        this.fields = fields;
    }

    /**
     * The program of {@code filter} over {@code fields} (an empty list for no filter).
     *
     * @throws KernelException when the filter is malformed
     */
    public static List<Op> compile(String filter, List<FieldFormat> fields) {
        if (filter == null || filter.isBlank()) {
            return List.of();
        }
        FilterCompiler c = new FilterCompiler(filter, fields);
        c.or();
        if (c.i != c.tokens.size()) {
            throw c.error("unexpected '" + c.tokens.get(c.i) + "'");
        }
        if (c.out.size() > MAX_OPS) {
            throw c.error("more than " + MAX_OPS + " operations");
        }
        return List.copyOf(c.out);
    }

    private KernelException error(String why) {
        return new KernelException("invalid event filter '" + text + "': " + why);
    }

    private String peek() {
        return i < tokens.size() ? tokens.get(i) : null;
    }

    private String take() {
        if (i >= tokens.size()) {
            throw error("unexpected end");
        }
        return tokens.get(i++);
    }

    private void or() {
        and();
        while ("||".equals(peek())) {
            i++;
            and();
            out.add(new Op(OR, 0, 0, 0, ""));
        }
    }

    private void and() {
        unary();
        while ("&&".equals(peek())) {
            i++;
            unary();
            out.add(new Op(AND, 0, 0, 0, ""));
        }
    }

    private void unary() {
        String t = peek();
        if ("!".equals(t)) {
            i++;
            unary();
            out.add(new Op(NOT, 0, 0, 0, ""));
        } else if ("(".equals(t)) {
            i++;
            or();
            if (!")".equals(take())) {
                throw error("')' expected");
            }
        } else {
            predicate();
        }
    }

    private void predicate() {
        String name = take();
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw error("field name expected, not '" + name + "'");
        }
        String op = take();
        String value = take();
        int field = -1;
        for (int k = 0; k < fields.size(); k++) {
            if (fields.get(k).name().equals(name)) {
                field = k;
                break;
            }
        }
        boolean quoted = value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'');
        String literal = quoted ? value.substring(1, value.length() - 1) : value;
        Long number = quoted ? null : parseNumber(literal);
        int cmp = switch (op) {
            case "==" -> EQ;
            case "!=" -> NE;
            case "<" -> LT;
            case "<=" -> LE;
            case ">" -> GT;
            case ">=" -> GE;
            case "&" -> BAND;
            case "~" -> GLOB;
            default -> throw error("unknown operator '" + op + "'");
        };
        if (field < 0) {
            out.add(new Op(FALSE, 0, 0, 0, ""));
            return;
        }
        FieldFormat f = fields.get(field);
        if (f.isString()) {
            if (cmp != EQ && cmp != NE && cmp != GLOB) {
                throw error("string field " + name + " takes == != ~, not " + op);
            }
            if (literal.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > EventTable.FILTER_STR) {
                throw error("string '" + literal + "' longer than " + EventTable.FILTER_STR + " bytes");
            }
            if (cmp != GLOB && literal.contains("*")) {
                cmp = cmp == EQ ? GLOB : cmp;
            }
            out.add(new Op(STR, cmp, field, 0, literal));
        } else {
            if (cmp == GLOB || number == null) {
                throw error("numeric field " + name + " compared with '" + value + "'");
            }
            out.add(new Op(NUM, cmp, field, number, ""));
        }
    }

    private static Long parseNumber(String s) {
        try {
            boolean neg = s.startsWith("-");
            String body = neg ? s.substring(1) : s;
            long v = body.startsWith("0x") || body.startsWith("0X") ? Long.parseUnsignedLong(body.substring(2), 16)
                    : Long.parseLong(body);
            return neg ? -v : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private List<String> tokenize(String s) {
        List<String> t = new ArrayList<>();
        int k = 0;
        while (k < s.length()) {
            char c = s.charAt(k);
            if (Character.isWhitespace(c)) {
                k++;
            } else if (c == '"' || c == '\'') {
                int end = s.indexOf(c, k + 1);
                if (end < 0) {
                    throw new KernelException("invalid event filter '" + s + "': unterminated string");
                }
                t.add(s.substring(k, end + 1));
                k = end + 1;
            } else if (c == '(' || c == ')') {
                t.add(String.valueOf(c));
                k++;
            } else if ("=!<>&|~".indexOf(c) >= 0) {
                int st = k;
                while (k < s.length() && "=!<>&|~".indexOf(s.charAt(k)) >= 0 && k - st < 2) {
                    k++;
                }
                String op = s.substring(st, k);
                if (op.equals("!") || op.length() == 1 || List.of("==", "!=", "<=", ">=", "&&", "||").contains(op)) {
                    t.add(op);
                } else {
                    t.add(op.substring(0, 1));
                    k = st + 1;
                }
            } else {
                int st = k;
                while (k < s.length() && !Character.isWhitespace(s.charAt(k)) && "()=!<>&|~\"'".indexOf(s.charAt(k)) < 0) {
                    k++;
                }
                t.add(s.substring(st, k));
            }
        }
        return t;
    }
}
