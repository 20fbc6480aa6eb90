package io.ktap.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CHeaderTest {

    /**
     * The generated header is valid C (gcc -Wall -Wextra -Werror) and its tables agree with the Java
     * ones: a C program stamped from the X-macros prints what the Java enums hold.
     */
    @Test
    void compilesAndAgreesWithTheJavaTables(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ktapvm_format.h"), CHeader.generate());
        Files.writeString(dir.resolve("check.c"), """
                #include <stdio.h>
                #include <string.h>
                #include "ktapvm_format.h"
                enum ktap_operand {
                #define OPND(n) KTAP_OPND_##n,
                        KTAP_OPERANDS(OPND)
                #undef OPND
                };
                enum ktap_op {
                #define OP(n, f, a, b, c, d) KTAP_OP_##n,
                        KTAP_OPCODES(OP)
                #undef OP
                        KTAP_OP__END
                };
                _Static_assert(KTAP_OP__END == KTAP_OPCODE_COUNT, "opcode count");
                int main(void)
                {
                        unsigned int ins = 0xccbbaa00u | KTAP_OP_ADD;
                #define OP(n, f, a, b, c, d) printf("%d %s %s %d %d %d %d\\n", KTAP_OP_##n, #n, #f, \\
                                KTAP_OPND_##a, KTAP_OPND_##b, KTAP_OPND_##c, KTAP_OPND_##d);
                        KTAP_OPCODES(OP)
                #undef OP
                #define B(id, n, q, lo, hi) printf("b %d %s %d %d\\n", id, q, lo, hi);
                        KTAP_BUILTINS(B)
                #undef B
                        printf("fields %u %u %u %u %d\\n", KTAP_OP(ins), KTAP_A(ins), KTAP_B(ins), KTAP_C(ins),
                               KTAP_SD(0xfffe0000u));
                        printf("magic %d\\n", memcmp(KTAP_MAGIC, "\\033KTAPVM\\n", KTAP_MAGIC_SIZE) == 0);
                        return 0;
                }
                """);
        Process gcc = new ProcessBuilder("gcc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-o", "check", "check.c")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String gccOut = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, gcc.exitValue(), gccOut);
        Process run = new ProcessBuilder(dir.resolve("check").toString()).start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(run.waitFor(60, TimeUnit.SECONDS));

        StringBuilder expected = new StringBuilder();
        for (Opcode op : Opcode.values()) {
            expected.append(op.code()).append(' ').append(op.name()).append(' ').append(op.format()).append(' ')
                    .append(op.a().ordinal()).append(' ').append(op.b().ordinal()).append(' ')
                    .append(op.c().ordinal()).append(' ').append(op.d().ordinal()).append('\n');
        }
        for (io.ktap.ast.Builtin b : io.ktap.ast.Builtin.values()) {
            expected.append("b ").append(b.id()).append(' ').append(b.qualifiedName()).append(' ')
                    .append(b.minArgs()).append(' ').append(b.maxArgs()).append('\n');
        }
        expected.append("fields ").append(Opcode.ADD.code()).append(" 170 187 204 -2\n");
        expected.append("magic 1\n");
        assertEquals(expected.toString(), out);
    }
}
