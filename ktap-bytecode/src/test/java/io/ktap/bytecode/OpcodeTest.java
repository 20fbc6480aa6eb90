package io.ktap.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class OpcodeTest {

    /** The opcode numbers are part of the format: this list may only grow at the end. */
    private static final List<String> PINNED = List.of(
            "MOV", "KPRI", "KSHORT", "KCONST", "KNIL", "GGET", "GSET", "UGET", "USET", "UCLO", "FNEW",
            "TNEW", "TGET", "TGETK", "TSET", "TSETK", "TSETM", "TINCR",
            "ADD", "SUB", "MUL", "DIV", "MOD", "POW", "NEG", "NOT", "LEN", "CAT",
            "EQ", "NE", "LT", "LE", "JMP", "JMPT", "JMPF", "FORPREP", "FORLOOP", "ITERP", "ITERN",
            "CALL", "TAILCALL", "CALLB", "RET", "VARG", "EVGET", "EMIT");

    @Test
    void opcodeNumbersArePinned() {
        List<String> names = Arrays.stream(Opcode.values()).map(Enum::name).toList();
        assertEquals(PINNED, names.subList(0, PINNED.size()), "opcodes were renumbered");
        for (Opcode op : Opcode.values()) {
            assertEquals(op, Opcode.of(op.code()));
            assertEquals(op, Opcode.byCode(op.code()).orElseThrow());
        }
        assertTrue(Opcode.byCode(Opcode.count()).isEmpty());
        assertTrue(Opcode.byCode(-1).isEmpty());
    }

    @Test
    void operandRolesFitTheirFormat() {
        for (Opcode op : Opcode.values()) {
            if (op.format() == Opcode.Format.ABC) {
                assertEquals(Operand.NONE, op.d(), op + " D");
                for (Operand r : List.of(op.a(), op.b(), op.c())) {
                    assertTrue(r != Operand.JUMP && r != Operand.SHORT, op + " has a 16-bit role in an 8-bit field");
                }
            } else {
                assertEquals(Operand.NONE, op.b(), op + " B");
                assertEquals(Operand.NONE, op.c(), op + " C");
                assertTrue(op.a() != Operand.JUMP && op.a() != Operand.SHORT, op + " A");
            }
        }
        assertEquals(List.of(Opcode.UCLO, Opcode.JMP, Opcode.JMPT, Opcode.JMPF, Opcode.FORPREP, Opcode.FORLOOP,
                Opcode.ITERP, Opcode.ITERN), Arrays.stream(Opcode.values()).filter(Opcode::isJump).toList());
    }

    @Property
    void abcRoundTrips(@ForAll @IntRange(min = 0, max = 255) int a, @ForAll @IntRange(min = 0, max = 255) int b,
                       @ForAll @IntRange(min = 0, max = 255) int c) {
        int ins = Ins.abc(Opcode.ADD, a, b, c);
        assertEquals(Opcode.ADD.code(), Ins.op(ins));
        assertEquals(a, Ins.a(ins));
        assertEquals(b, Ins.b(ins));
        assertEquals(c, Ins.c(ins));
    }

    @Property
    void adRoundTrips(@ForAll @IntRange(min = 0, max = 255) int a, @ForAll @IntRange(min = -32768, max = 32767) int sd) {
        int ins = Ins.asd(Opcode.JMPF, a, sd);
        assertEquals(Opcode.JMPF.code(), Ins.op(ins));
        assertEquals(a, Ins.a(ins));
        assertEquals(sd, Ins.sd(ins));
        assertEquals(sd & 0xffff, Ins.d(ins));
        assertEquals(sd, Ins.sd(Ins.withSd(Ins.asd(Opcode.JMP, 0, 0), sd)));
    }

    @Test
    void layoutMatchesTheDocumentedBits() {
        assertEquals(0xccbbaa00 | Opcode.ADD.code(), Ins.abc(Opcode.ADD, 0xaa, 0xbb, 0xcc));
        assertEquals(0xbeef0700 | Opcode.KCONST.code(), Ins.ad(Opcode.KCONST, 7, 0xbeef));
    }

    /** BYTECODE.md documents every opcode with its number and every verifier rule. */
    @Test
    void specDocumentsEveryOpcodeAndRule() throws IOException {
        String spec = Files.readString(Path.of("BYTECODE.md"));
        for (Opcode op : Opcode.values()) {
            assertTrue(spec.contains("| " + op.code() + " | " + op.name() + " | " + op.format() + " |"),
                    "BYTECODE.md lacks the row of " + op);
        }
        for (Verifier.Rule rule : Verifier.Rule.values()) {
            assertTrue(spec.contains("| " + rule.id() + " | "), "BYTECODE.md lacks rule " + rule.id());
        }
        assertTrue(spec.contains(Opcode.count() + " opcodes, 0.." + (Opcode.count() - 1)));
    }
}
