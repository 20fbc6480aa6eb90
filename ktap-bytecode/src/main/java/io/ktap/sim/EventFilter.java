package io.ktap.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A kernel event filter ({@code /filter/} after an EVENTDEF), with the kernel's syntax:
 * predicates {@code field OP value} with {@code == != < <= > >= &} on numbers and {@code == != ~}
 * on strings (with {@code *} globs), combined with {@code && || !} and parentheses. Function
 * events compare {@code ip} and {@code parent_ip} with a string by symbol name
 * ({@code ip==mutex*}). A field the event does not have makes its predicate false.
 */
final class EventFilter {

    private interface Node {
        boolean test(SimEvent e);
    }

    private final Node root;

    private EventFilter(Node root) {
        this.root = root;
    }

    boolean test(SimEvent e) {
        return root.test(e);
    }

    /** @throws IllegalArgumentException with the reason when the text is not a filter */
    static EventFilter parse(String text) {
        Parser p = new Parser(tokens(text));
        Node n = p.or();
        if (p.i != p.t.size()) {
            throw new IllegalArgumentException("unexpected '" + p.t.get(p.i) + "'");
        }
        return new EventFilter(n);
    }

    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"' || c == '\'') {
                int end = s.indexOf(c, i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated string");
                }
                out.add(s.substring(i, end + 1));
                i = end + 1;
            } else if ("()".indexOf(c) >= 0) {
                out.add(String.valueOf(c));
                i++;
            } else if ("=!<>&|~".indexOf(c) >= 0) {
                int st = i;
                while (i < s.length() && "=!<>&|~".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                out.add(s.substring(st, i));
            } else {
                int st = i;
                while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && "()=!<>&|~\"'".indexOf(s.charAt(i)) < 0) {
                    i++;
                }
                out.add(s.substring(st, i));
            }
        }
        return out;
    }

    private static final class Parser {
        final List<String> t;
        int i;

        Parser(List<String> t) {
            this.t = t;
        }

        private String peek() {
            return i < t.size() ? t.get(i) : "";
        }

        private String next() {
            if (i >= t.size()) {
                throw new IllegalArgumentException("unexpected end of filter");
            }
            return t.get(i++);
        }

        Node or() {
            Node l = and();
            while (peek().equals("||")) {
                i++;
                Node a = l;
                Node b = and();
                l = e -> a.test(e) || b.test(e);
            }
            return l;
        }

        Node and() {
            Node l = not();
            while (peek().equals("&&")) {
                i++;
                Node a = l;
                Node b = not();
                l = e -> a.test(e) && b.test(e);
            }
            return l;
        }

        Node not() {
            if (peek().equals("!")) {
                i++;
                Node n = not();
                return e -> !n.test(e);
            }
            if (peek().equals("(")) {
                i++;
                Node n = or();
                if (!next().equals(")")) {
                    throw new IllegalArgumentException("missing ')'");
                }
                return n;
            }
            return predicate();
        }

        Node predicate() {
            String field = next();
            if (!field.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("expected a field name, not '" + field + "'");
            }
            String op = next();
            if (!List.of("==", "!=", "<", "<=", ">", ">=", "&", "~").contains(op)) {
                throw new IllegalArgumentException("unknown operator '" + op + "'");
            }
            String lit = next();
            boolean quoted = lit.startsWith("\"") || lit.startsWith("'");
            String text = quoted ? lit.substring(1, lit.length() - 1) : lit;
            Long number = quoted ? null : parseNumber(text);
            if (number == null && !List.of("==", "!=", "~").contains(op)) {
                throw new IllegalArgumentException("operator " + op + " needs a number, not '" + lit + "'");
            }
            if (number != null) {
                long n = number;
                return e -> {
                    Object v = e.value(field);
                    if (!(v instanceof Long x)) {
                        return false;
                    }
                    return switch (op) {
                        case "==" -> x == n;
                        case "!=" -> x != n;
                        case "<" -> x < n;
                        case "<=" -> x <= n;
                        case ">" -> x > n;
                        case ">=" -> x >= n;
                        case "&" -> (x & n) != 0;
                        default -> false;
                    };
                };
            }
            Pattern glob = glob(text);
            return e -> {
                Object v = e.value(field);
                String s;
                if (v instanceof String str) {
                    s = str;
                } else if (v instanceof Long x && (field.equals("ip") || field.equals("parent_ip"))) {
                    s = e.symbolOf(x);
                } else {
                    return false;
                }
                boolean m = glob.matcher(s).matches();
                return op.equals("!=") ? !m : m;
            };
        }

        private static Long parseNumber(String s) {
            try {
                if (s.startsWith("0x") || s.startsWith("0X")) {
                    return Long.parseUnsignedLong(s.substring(2), 16);
                }
                if (s.startsWith("-0x")) {
                    return -Long.parseUnsignedLong(s.substring(3), 16);
                }
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        private static Pattern glob(String g) {
            StringBuilder re = new StringBuilder();
            for (char c : g.toCharArray()) {
                if (c == '*') {
                    re.append(".*");
                } else if (c == '?') {
                    re.append('.');
                } else {
                    re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(re.toString());
        }
    }
}
