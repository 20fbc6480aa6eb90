package io.ktap.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ktap.host.FieldFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterCompilerTest {

    private static final List<FieldFormat> FIELDS = List.of(
            new FieldFormat("fd", "unsigned int", 16, 8, false, FieldFormat.Kind.INTEGER, false),
            new FieldFormat("comm", "char comm[16]", 24, 16, false, FieldFormat.Kind.CHAR_ARRAY, false));

    private static String shape(String filter) {
        StringBuilder sb = new StringBuilder();
        for (FilterCompiler.Op op : FilterCompiler.compile(filter, FIELDS)) {
            sb.append(switch (op.op()) {
                case FilterCompiler.NUM -> "num(" + op.field() + "," + op.cmp() + "," + op.imm() + ")";
                case FilterCompiler.STR -> "str(" + op.field() + "," + op.cmp() + "," + op.str() + ")";
                case FilterCompiler.AND -> "and";
                case FilterCompiler.OR -> "or";
                case FilterCompiler.NOT -> "not";
                default -> "false";
            }).append(' ');
        }
        return sb.toString().strip();
    }

    @Test
    void postfixWithKernelPrecedence() {
        assertEquals("num(0,1,1)", shape("fd == 1"));
        assertEquals("num(0,1,1) num(0,5,100) str(1,8,ja*) and or",
                shape("fd == 1 || fd > 100 && comm ~ \"ja*\""));
        assertEquals("num(0,2,-1) not", shape("!(fd != -1)"));
        assertEquals("num(0,7,16)", shape("fd & 0x10"));
        assertEquals("false num(0,1,1) or", shape("nosuchfield == 3 || fd == 1"));
        assertEquals("str(1,1,bash)", shape("comm == bash"));
        assertEquals(List.of(), FilterCompiler.compile(" ", FIELDS));
    }

    @Test
    void malformedFiltersAreUserErrors() {
        for (String bad : List.of("fd ==", "fd == 1 &&", "(fd == 1", "fd =~ 3", "comm < 3", "fd == abc", "fd ~ 1",
                "comm == \"unterminated")) {
            assertThrows(KernelException.class, () -> FilterCompiler.compile(bad, FIELDS), bad);
        }
    }
}
