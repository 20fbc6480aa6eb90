package io.ktap.bytecode;

import java.util.ArrayList;
import java.util.List;

/** A compact rendering of instructions for assertions: {@code OP a b c} or {@code OP a d} (jumps as signed offsets). */
final class Listing {

    private Listing() {
    }

    static List<String> code(Proto p) {
        List<String> out = new ArrayList<>();
        for (int pc = 0; pc < p.codeLength(); pc++) {
            out.add(ins(p.instruction(pc)));
        }
        return out;
    }

    static String ins(int ins) {
        Opcode op = Opcode.of(Ins.op(ins));
        if (op.format() == Opcode.Format.ABC) {
            return op + " " + Ins.a(ins) + " " + Ins.b(ins) + " " + Ins.c(ins);
        }
        boolean signed = op.d() == Operand.JUMP || op.d() == Operand.SHORT;
        return op + " " + Ins.a(ins) + " " + (signed ? Ins.sd(ins) : Ins.d(ins));
    }

    static Chunk compile(io.ktap.ast.Program p) {
        CodegenResult r = Codegen.compile(p);
        if (!r.ok()) {
            throw new AssertionError("did not compile: " + r.diagnostics());
        }
        Chunk c = r.orThrow();
        List<Verifier.Error> errors = Verifier.verify(c);
        if (!errors.isEmpty()) {
            throw new AssertionError("verifier rejected codegen output: " + errors + "\n" + Disassembler.disassemble(c));
        }
        return c;
    }
}
