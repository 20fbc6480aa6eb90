package io.ktap.vm;

import io.ktap.bytecode.Constant;
import io.ktap.bytecode.Proto;
import io.ktap.bytecode.UpvalueDesc;

/** A prototype decoded once for execution: flat arrays the interpreter reads without indirection. */
final class Fn {

    final Proto proto;
    final int index;
    final String name;
    final int[] code;
    final int[] lines;
    final Object[] kref;
    final long[] knum;
    final int numParams;
    final boolean variadic;
    final int frameSize;
    final boolean[] upInStack;
    final int[] upIndex;

    Fn(Proto proto, int index) {
        this.proto = proto;
        this.index = index;
        this.name = proto.name();
        this.code = fuse(proto.code());
        this.lines = proto.lines();
        int nk = proto.constants().size();
        this.kref = new Object[nk];
        this.knum = new long[nk];
        for (int i = 0; i < nk; i++) {
            Constant c = proto.constants().get(i);
            if (c instanceof Constant.Int n) {
                kref[i] = Values.INT;
                knum[i] = n.value();
            } else {
                kref[i] = KString.ofLatin1(((Constant.Str) c).value());
            }
        }
        this.numParams = proto.numParams();
        this.variadic = proto.variadic();
        this.frameSize = proto.frameSize();
        int nu = proto.upvalues().size();
        this.upInStack = new boolean[nu];
        this.upIndex = new int[nu];
        for (int i = 0; i < nu; i++) {
            UpvalueDesc u = proto.upvalues().get(i);
            upInStack[i] = u.inStack();
            upIndex[i] = u.index();
        }
    }

    /**
     * Replaces the opcode of the first instruction of common sequences by a fused opcode of
     * {@link Ops} (the operands, and the instructions covered, stay as they are). Fusing never
     * changes behaviour: each covered instruction still costs its budget unit, writes its register
     * and raises its own errors at its own pc, and a jump into the middle of a sequence finds the
     * original instructions there.
     */
    /** Whether prototypes loaded from now on are fused; tests turn it off to compare. */
    static volatile boolean fusion = true;

    static int[] fuse(int[] code) {
        int[] out = code.clone();
        int pc = fusion ? 0 : code.length;
        while (pc < code.length) {
            int i0 = code[pc];
            int op0 = i0 & 0xff;
            int i1 = pc + 1 < code.length ? code[pc + 1] : -1;
            int i2 = pc + 2 < code.length ? code[pc + 2] : -1;
            if (op0 == Ops.KSHORT && i1 != -1 && isCompare(i1 & 0xff) && usesC(i1, (i0 >>> 8) & 0xff)
                    && i2 != -1 && isBranchOn(i2, (i1 >>> 8) & 0xff)) {
                out[pc] = (i0 & ~0xff) | Ops.F_KCMPJ;
                pc += 3;
            } else if (op0 == Ops.KSHORT && i1 != -1 && (i1 & 0xff) == Ops.TINCR
                    && ((i1 >>> 8) & 0xff) == ((i0 >>> 8) & 0xff)) {
                out[pc] = (i0 & ~0xff) | Ops.F_KINCR;
                pc += 2;
            } else if (op0 == Ops.KSHORT && i1 != -1 && isKArith(i1 & 0xff) && (i1 >>> 24) == ((i0 >>> 8) & 0xff)) {
                out[pc] = (i0 & ~0xff) | Ops.F_KARITH;
                pc += 2;
            } else if (isCompare(op0) && i1 != -1 && isBranchOn(i1, (i0 >>> 8) & 0xff)) {
                out[pc] = (i0 & ~0xff) | (Ops.F_CMPJ + op0 - Ops.EQ);
                pc += 2;
            } else {
                pc++;
            }
        }
        return out;
    }

    private static boolean isKArith(int op) {
        return op == Ops.ADD || op == Ops.SUB || op == Ops.MUL || op == Ops.MOD;
    }

    private static boolean isCompare(int op) {
        return op == Ops.LT || op == Ops.LE || op == Ops.EQ || op == Ops.NE;
    }

    private static boolean usesC(int cmp, int reg) {
        return (cmp >>> 24) == reg || (cmp >>> 16 & 0xff) == reg;
    }

    private static boolean isBranchOn(int ins, int reg) {
        int op = ins & 0xff;
        return (op == Ops.JMPF || op == Ops.JMPT) && ((ins >>> 8) & 0xff) == reg;
    }

    int line(int pc) {
        return pc >= 0 && pc < lines.length ? lines[pc] : proto.line();
    }
}
