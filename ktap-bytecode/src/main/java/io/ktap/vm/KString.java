package io.ktap.vm;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable ktap string: a sequence of bytes (not chars), with its hash computed once. Equal
 * byte sequences are equal strings, whatever object holds them.
 */
public final class KString implements Comparable<KString> {

    /** The empty string. */
    public static final KString EMPTY = new KString(new byte[0]);

    private final byte[] bytes;
    /** Computed on first use (0: not yet; a real hash of 0 is stored as 1). */
    private int hash;

    private KString(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A string of the UTF-8 bytes of {@code text}. */
    public static KString of(String text) {
        return new KString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A string whose bytes are the chars of {@code latin1} (each 0..255), as AST string literals hold them. */
    public static KString ofLatin1(String latin1) {
        return new KString(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A string of a copy of {@code bytes}. */
    public static KString of(byte[] bytes) {
        return new KString(bytes.clone());
    }

    /** A string that takes ownership of {@code bytes}; the caller must not change them afterwards. */
    static KString wrap(byte[] bytes) {
        return new KString(bytes);
    }

    /** The concatenation of {@code a} and {@code b}. */
    public static KString concat(KString a, KString b) {
        byte[] r = Arrays.copyOf(a.bytes, a.bytes.length + b.bytes.length);
        System.arraycopy(b.bytes, 0, r, a.bytes.length, b.bytes.length);
        return new KString(r);
    }

    /** FNV-1a over every byte: deterministic across runs and VMs, so iteration order is too. */
    private static int hashOf(byte[] b) {
        int h = 0x811c9dc5;
        for (byte x : b) {
            h = (h ^ (x & 0xff)) * 0x01000193;
        }
        return h == 0 ? 1 : h;
    }

    public int length() {
        return bytes.length;
    }

    public byte byteAt(int i) {
        return bytes[i];
    }

    /** A copy of the bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The bytes themselves, for the VM's own use; never modified. */
    byte[] bytes() {
        return bytes;
    }

    /** Appends the bytes to {@code out}. */
    void appendTo(java.io.ByteArrayOutputStream out) {
        out.write(bytes, 0, bytes.length);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof KString s && s.bytes.length == bytes.length && s.hashCode() == hashCode()
                && Arrays.equals(s.bytes, bytes));
    }

    /** FNV-1a of the bytes (never 0), computed once. */
    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = hashOf(bytes);
            hash = h;
        }
        return h;
    }

    /** Unsigned byte-wise order. */
    @Override
    public int compareTo(KString o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    /** The bytes decoded as UTF-8 (malformed sequences become U+FFFD). */
    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
