package io.ktap.bytecode;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Byte strings as Java strings: every string of a chunk holds one byte per char ({@code 0..255}),
 * the convention of {@link io.ktap.ast.Expr.Str}.
 */
public final class Bytes {

    private Bytes() {
    }

    /** Throws unless every char of {@code s} is a byte. */
    public static String requireBytes(String s, String what) {
        Objects.requireNonNull(s, what);
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                throw new IllegalArgumentException(what + " must hold bytes (chars 0-255): " + s);
            }
        }
        return s;
    }

    /** The byte string holding the UTF-8 encoding of {@code text}. */
    public static String fromText(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** The text whose UTF-8 encoding is the byte string {@code bytes} (malformed bytes become U+FFFD). */
    public static String toText(String bytes) {
        return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** The bytes of a byte string. */
    public static byte[] toArray(String bytes) {
        return bytes.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The byte string of {@code bytes}. */
    public static String of(byte[] bytes, int offset, int length) {
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }

    /** A double-quoted, escaped rendering for listings: printable ASCII as is, the rest as escapes. */
    public static String quote(String bytes) {
        StringBuilder sb = new StringBuilder(bytes.length() + 2).append('"');
        for (int i = 0; i < bytes.length(); i++) {
            char ch = bytes.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (ch >= 0x20 && ch < 0x7f) {
                        sb.append(ch);
                    } else {
                        sb.append(String.format("\\x%02x", (int) ch));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
