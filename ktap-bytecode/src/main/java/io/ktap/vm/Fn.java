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
        this.code = proto.code();
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

    int line(int pc) {
        return pc >= 0 && pc < lines.length ? lines[pc] : proto.line();
    }
}
