package io.ktap.vm;

import io.ktap.bytecode.Opcode;

/**
 * The opcode numbers as compile-time constants, for the interpreter's {@code switch}. Checked
 * against {@link Opcode} when the class loads, so the two can never disagree silently.
 */
final class Ops {

    static final int MOV = 0;
    static final int KPRI = 1;
    static final int KSHORT = 2;
    static final int KCONST = 3;
    static final int KNIL = 4;
    static final int GGET = 5;
    static final int GSET = 6;
    static final int UGET = 7;
    static final int USET = 8;
    static final int UCLO = 9;
    static final int FNEW = 10;
    static final int TNEW = 11;
    static final int TGET = 12;
    static final int TGETK = 13;
    static final int TSET = 14;
    static final int TSETK = 15;
    static final int TSETM = 16;
    static final int TINCR = 17;
    static final int ADD = 18;
    static final int SUB = 19;
    static final int MUL = 20;
    static final int DIV = 21;
    static final int MOD = 22;
    static final int POW = 23;
    static final int NEG = 24;
    static final int NOT = 25;
    static final int LEN = 26;
    static final int CAT = 27;
    static final int EQ = 28;
    static final int NE = 29;
    static final int LT = 30;
    static final int LE = 31;
    static final int JMP = 32;
    static final int JMPT = 33;
    static final int JMPF = 34;
    static final int FORPREP = 35;
    static final int FORLOOP = 36;
    static final int ITERP = 37;
    static final int ITERN = 38;
    static final int CALL = 39;
    static final int TAILCALL = 40;
    static final int CALLB = 41;
    static final int RET = 42;
    static final int VARG = 43;
    static final int EVGET = 44;
    static final int EMIT = 45;
    static final int AGG = 46;
    static final int TAGG = 47;

    static final int COUNT = 48;

    // Fused instructions: the Java VM's own, never in a chunk (see Fn#fuse). Each stands in the
    // first instruction's slot; the instructions it covers stay in place after it.

    /** {@code KSHORT k; ADD|SUB|MUL|MOD a b k}. */
    static final int F_KARITH = 0xf0;
    /** {@code EQ|NE|LT|LE a b c; JMPF|JMPT a}: F_CMPJ + (the comparison's opcode - EQ). */
    static final int F_CMPJ = 0xf4;
    /** {@code KSHORT k; LT|LE|EQ|NE a b c (k is b or c); JMPF|JMPT a}. */
    static final int F_KCMPJ = 0xf2;
    /** {@code KSHORT k; TINCR k b c}: the counting {@code t[key] += 1}. */
    static final int F_KINCR = 0xf3;

    static {
        check();
    }

    private Ops() {
    }

    /** Fails unless every constant equals its {@link Opcode}'s code and every opcode has one. */
    static void check() {
        if (Opcode.count() != COUNT) {
            throw new IllegalStateException("the interpreter knows " + COUNT + " opcodes, the ISA has " + Opcode.count());
        }
        for (Opcode op : Opcode.values()) {
            try {
                int v = Ops.class.getDeclaredField(op.name()).getInt(null);
                if (v != op.code()) {
                    throw new IllegalStateException("opcode " + op + " is " + op.code() + ", the interpreter says " + v);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the interpreter has no constant for opcode " + op, e);
            }
        }
    }
}
