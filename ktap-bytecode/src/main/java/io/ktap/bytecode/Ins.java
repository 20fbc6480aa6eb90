package io.ktap.bytecode;

/**
 * Encoding and decoding of 32-bit instructions (see {@link Opcode} for the layout). Decoding never
 * fails: it only extracts bit fields, and {@link Opcode#byCode} says whether the opcode exists.
 */
public final class Ins {

    /** The largest value of an 8-bit field. */
    public static final int MAX_ABC = 0xff;
    /** The largest value of the unsigned 16-bit D field. */
    public static final int MAX_D = 0xffff;
    /** The range of a signed 16-bit D field. */
    public static final int MIN_SD = Short.MIN_VALUE;
    public static final int MAX_SD = Short.MAX_VALUE;

    private Ins() {
    }

    /** Encodes a format-ABC instruction. */
    public static int abc(Opcode op, int a, int b, int c) {
        require(op.format() == Opcode.Format.ABC, op + " is not format ABC");
        checkField(a, MAX_ABC, "A");
        checkField(b, MAX_ABC, "B");
        checkField(c, MAX_ABC, "C");
        return op.code() | a << 8 | b << 16 | c << 24;
    }

    /** Encodes a format-AD instruction with an unsigned D. */
    public static int ad(Opcode op, int a, int d) {
        require(op.format() == Opcode.Format.AD, op + " is not format AD");
        checkField(a, MAX_ABC, "A");
        checkField(d, MAX_D, "D");
        return op.code() | a << 8 | d << 16;
    }

    /** Encodes a format-AD instruction with a signed D (jump offsets, {@link Opcode#KSHORT}). */
    public static int asd(Opcode op, int a, int sd) {
        if (sd < MIN_SD || sd > MAX_SD) {
            throw new IllegalArgumentException("signed D out of range: " + sd);
        }
        return ad(op, a, sd & 0xffff);
    }

    /** The opcode number (bits 0-7); it may not name an opcode. */
    public static int op(int ins) {
        return ins & 0xff;
    }

    public static int a(int ins) {
        return ins >>> 8 & 0xff;
    }

    public static int b(int ins) {
        return ins >>> 16 & 0xff;
    }

    public static int c(int ins) {
        return ins >>> 24;
    }

    /** D as an unsigned 16-bit value. */
    public static int d(int ins) {
        return ins >>> 16;
    }

    /** D as a signed 16-bit value. */
    public static int sd(int ins) {
        return ins >> 16;
    }

    /** Returns {@code ins} with its signed D replaced (for patching jumps). */
    public static int withSd(int ins, int sd) {
        if (sd < MIN_SD || sd > MAX_SD) {
            throw new IllegalArgumentException("signed D out of range: " + sd);
        }
        return ins & 0xffff | (sd & 0xffff) << 16;
    }

    private static void checkField(int v, int max, String name) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException("field " + name + " out of range: " + v);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
