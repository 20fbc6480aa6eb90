package io.ktap.vm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * ktap's {@code printf}: C's conversions {@code %d %i %u %x %X %o %c %s %p %%} on 64-bit integers,
 * with the flags {@code - + space # 0}, a width and a precision (either may be {@code *}, taken
 * from the arguments), and C's length modifiers ({@code h hh l ll z j t}) accepted and ignored
 * (every integer is 64 bits).
 *
 * <ul>
 * <li>{@code %d %i}: signed decimal. {@code %u}: unsigned decimal. {@code %x %X %o}: unsigned hex /
 * octal; {@code #} prefixes {@code 0x}/{@code 0X} (non-zero values) or {@code 0}.</li>
 * <li>The precision of an integer conversion is its minimum number of digits (then {@code 0} is
 * ignored); precision 0 prints the value 0 as nothing, as in C.</li>
 * <li>{@code %c}: the byte {@code value & 0xff}. {@code %p}: {@code 0x} and the hex value.</li>
 * <li>{@code %s}: any value, as {@code print} shows it; the precision truncates (in bytes).</li>
 * </ul>
 * A missing argument, a non-number for an integer conversion or an unknown conversion is a runtime
 * error; extra arguments are ignored, as in C.
 */
public final class Printf {

    private Printf() {
    }

    /**
     * Formats {@code fmt} with the arguments {@code refs/nums[from .. from+count-1]}.
     *
     * @param fn the function name for error messages ({@code printf})
     */
    public static byte[] format(String fn, KString fmt, Object[] refs, long[] nums, int from, int count) {
        byte[] f = fmt.bytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream(f.length + 16);
        int arg = 0;
        int i = 0;
        while (i < f.length) {
            byte c = f[i++];
            if (c != '%') {
                out.write(c);
                continue;
            }
            int start = i - 1;
            boolean left = false;
            boolean plus = false;
            boolean space = false;
            boolean alt = false;
            boolean zero = false;
            flags:
            while (i < f.length) {
                switch (f[i]) {
                    case '-' -> left = true;
                    case '+' -> plus = true;
                    case ' ' -> space = true;
                    case '#' -> alt = true;
                    case '0' -> zero = true;
                    default -> {
                        break flags;
                    }
                }
                i++;
            }
            int width = 0;
            if (i < f.length && f[i] == '*') {
                i++;
                long w = intArg(fn, refs, nums, from, count, arg++);
                if (w < 0) {
                    left = true;
                    w = -w;
                }
                width = clampWidth(fn, w);
            } else {
                long w = 0;
                while (i < f.length && f[i] >= '0' && f[i] <= '9') {
                    w = w * 10 + (f[i++] - '0');
                    if (w > 1 << 20) {
                        throw new KtapError("invalid format to '" + fn + "' (width too large)");
                    }
                }
                width = (int) w;
            }
            int precision = -1;
            if (i < f.length && f[i] == '.') {
                i++;
                if (i < f.length && f[i] == '*') {
                    i++;
                    long p = intArg(fn, refs, nums, from, count, arg++);
                    precision = p < 0 ? -1 : clampWidth(fn, p);
                } else {
                    long p = 0;
                    while (i < f.length && f[i] >= '0' && f[i] <= '9') {
                        p = p * 10 + (f[i++] - '0');
                        if (p > 1 << 20) {
                            throw new KtapError("invalid format to '" + fn + "' (precision too large)");
                        }
                    }
                    precision = (int) p;
                }
            }
            while (i < f.length && (f[i] == 'h' || f[i] == 'l' || f[i] == 'z' || f[i] == 'j' || f[i] == 't'
                    || f[i] == 'L')) {
                i++;
            }
            if (i >= f.length) {
                throw new KtapError("invalid conversion '" + latin1(f, start, i) + "' to '" + fn + "'");
            }
            byte conv = f[i++];
            byte[] body;
            switch (conv) {
                case '%' -> {
                    out.write('%');
                    continue;
                }
                case 'd', 'i' -> {
                    long v = intArg(fn, refs, nums, from, count, arg++);
                    String digits = v < 0 ? Long.toUnsignedString(-v) : Long.toString(v);
                    if (v == Long.MIN_VALUE) {
                        digits = "9223372036854775808";
                    }
                    String sign = v < 0 ? "-" : plus ? "+" : space ? " " : "";
                    pad(out, sign, digits(digits, precision, v == 0), width, left, zero && precision < 0);
                    continue;
                }
                case 'u' -> {
                    long v = intArg(fn, refs, nums, from, count, arg++);
                    pad(out, "", digits(Long.toUnsignedString(v), precision, v == 0), width, left, zero && precision < 0);
                    continue;
                }
                case 'x', 'X' -> {
                    long v = intArg(fn, refs, nums, from, count, arg++);
                    String d = Long.toHexString(v);
                    if (conv == 'X') {
                        d = d.toUpperCase(java.util.Locale.ROOT);
                    }
                    String prefix = alt && v != 0 ? (conv == 'X' ? "0X" : "0x") : "";
                    pad(out, prefix, digits(d, precision, v == 0), width, left, zero && precision < 0);
                    continue;
                }
                case 'o' -> {
                    long v = intArg(fn, refs, nums, from, count, arg++);
                    String d = digits(Long.toOctalString(v), precision, v == 0);
                    if (alt && !d.startsWith("0")) {
                        d = "0" + d;
                    }
                    pad(out, "", d, width, left, zero && precision < 0);
                    continue;
                }
                case 'p' -> {
                    long v = intArg(fn, refs, nums, from, count, arg++);
                    pad(out, "0x", Long.toHexString(v), width, left, zero);
                    continue;
                }
                case 'c' -> {
                    long v = intArg(fn, refs, nums, from, count, arg++);
                    body = new byte[] {(byte) v};
                }
                case 's' -> {
                    int a = arg++;
                    if (a >= count) {
                        throw noValue(fn, a);
                    }
                    body = Values.displayBytes(refs[from + a], nums[from + a]);
                    if (precision >= 0 && precision < body.length) {
                        body = java.util.Arrays.copyOf(body, precision);
                    }
                }
                default -> throw new KtapError("invalid conversion '" + latin1(f, start, i) + "' to '" + fn + "'");
            }
            int fill = width - body.length;
            if (!left) {
                repeat(out, ' ', fill);
            }
            out.write(body, 0, body.length);
            if (left) {
                repeat(out, ' ', fill);
            }
        }
        return out.toByteArray();
    }

    private static int clampWidth(String fn, long w) {
        if (w > 1 << 20) {
            throw new KtapError("invalid format to '" + fn + "' (width too large)");
        }
        return (int) w;
    }

    private static long intArg(String fn, Object[] refs, long[] nums, int from, int count, int a) {
        if (a >= count) {
            throw noValue(fn, a);
        }
        Object r = refs[from + a];
        if (r != Values.INT) {
            throw new KtapError("bad argument #" + (a + 2) + " to '" + fn + "' (number expected, got "
                    + Values.typeName(r) + ")");
        }
        return nums[from + a];
    }

    private static KtapError noValue(String fn, int a) {
        return new KtapError("bad argument #" + (a + 2) + " to '" + fn + "' (no value)");
    }

    /** Applies an integer precision: at least {@code precision} digits; precision 0 and value 0 print nothing. */
    private static String digits(String d, int precision, boolean isZero) {
        if (precision < 0) {
            return d;
        }
        if (precision == 0 && isZero) {
            return "";
        }
        return d.length() >= precision ? d : "0".repeat(precision - d.length()) + d;
    }

    private static void pad(ByteArrayOutputStream out, String prefix, String digits, int width, boolean left,
            boolean zero) {
        int fill = width - prefix.length() - digits.length();
        if (left) {
            write(out, prefix);
            write(out, digits);
            repeat(out, ' ', fill);
        } else if (zero) {
            write(out, prefix);
            repeat(out, '0', fill);
            write(out, digits);
        } else {
            repeat(out, ' ', fill);
            write(out, prefix);
            write(out, digits);
        }
    }

    private static void write(ByteArrayOutputStream out, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            out.write(ascii.charAt(i));
        }
    }

    private static void repeat(ByteArrayOutputStream out, char c, int n) {
        for (int i = 0; i < n; i++) {
            out.write(c);
        }
    }

    /** The conversion as written, non-printable bytes escaped ({@code \n}, {@code \x01}). */
    private static String latin1(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if (c == '\n') {
                sb.append("\\n");
            } else if (c < 0x20 || c >= 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
