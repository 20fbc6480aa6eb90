package io.ktap.kernel.cvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.ast.Builtin;
import io.ktap.bytecode.Opcode;
import io.ktap.trace.AggregationKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The checked-in C opcode header is exactly what the Java opcode and builtin tables generate. */
class CHeaderGeneratorTest {

    @Test
    void checkedInHeaderMatchesTheJavaTables() throws IOException {
        Path header = Path.of(CHeaderGenerator.HEADER);
        String onDisk = Files.readString(header, StandardCharsets.UTF_8);
        assertEquals(CHeaderGenerator.generate(), onDisk,
                "ktap_opcodes.h is stale: regenerate it with io.ktap.kernel.cvm.CHeaderGenerator"
                        + " (see src/site/markdown/kernel-module.md)");
    }

    @Test
    void everyOpcodeAndBuiltinIsListed() {
        String text = CHeaderGenerator.generate();
        for (Opcode op : Opcode.values()) {
            assertTrue(text.contains("\tX(" + op.name() + ", " + op.code() + ", "), op.name());
        }
        for (Builtin b : Builtin.values()) {
            // Aggregation functions are no CALLB builtins: their kinds have a list of their own.
            boolean listed = text.contains("\tX(" + b.name() + ", " + b.id() + ", \"" + b.qualifiedName() + "\"");
            assertEquals(!b.isAggregation(), listed, b.name());
        }
        for (AggregationKind k : AggregationKind.values()) {
            assertTrue(text.contains("\tX(" + k.name() + ", " + k.code() + ", \"" + k.functionName() + "\")"), k.name());
        }
    }
}
