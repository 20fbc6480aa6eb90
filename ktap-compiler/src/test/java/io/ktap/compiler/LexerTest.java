package io.ktap.compiler;

import io.ktap.ast.Expr;
import io.ktap.ast.Stmt;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LexerTest {

    /** The value of the string literal in {@code x = LITERAL}, compiled from raw bytes. */
    static String literal(byte[] literal) {
        byte[] prefix = "x = ".getBytes(StandardCharsets.ISO_8859_1);
        byte[] source = new byte[prefix.length + literal.length];
        System.arraycopy(prefix, 0, source, 0, prefix.length);
        System.arraycopy(literal, 0, source, prefix.length, literal.length);
        CompileResult r = KtapCompiler.compile("l.kp", source);
        Stmt.Assign a = (Stmt.Assign) r.programOrThrow().body().statements().get(0);
        return ((Expr.Str) a.values().get(0)).value();
    }

    static String literal(String literal) {
        return literal(literal.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void escapes() {
        assertEquals("\n\t\\\"'\u0007\b\f\r\u000b", literal("\"\\n\\t\\\\\\\"\\'\\a\\b\\f\\r\\v\""));
        assertEquals("AB~", literal("'\\x41\\x42\\x7e'"));
        assertEquals("A\u0000\u00ff9", literal("'\\65\\0\\2559'"), "decimal escapes take at most three digits");
        assertEquals("a\nb", literal("'a\\\nb'"), "backslash-newline is a newline");
        assertEquals("\u0001", literal("'\\x1'"));
    }

    @Test
    void stringsAreBytes() {
        assertEquals("\u00ff\u00fe", literal(new byte[] {'"', (byte) 0xff, (byte) 0xfe, '"'}));
        CompileResult r = KtapCompiler.compile("u.kp", "x = \"é\"");
        Expr.Str s = (Expr.Str) ((Stmt.Assign) r.programOrThrow().body().statements().get(0)).values().get(0);
        assertEquals(Expr.Str.text(s.span(), "é"), s, "Java text is compiled as UTF-8 bytes");
        assertEquals(2, s.bytes().length);
    }

    @Test
    void longStrings() {
        assertEquals("abc", literal("[[abc]]"));
        assertEquals("first line\nsecond", literal("[[\nfirst line\nsecond]]"), "the first newline is dropped");
        assertEquals("a]]b", literal("[=[a]]b]=]"));
        assertEquals("a\nb\nc", literal("[[a\r\nb\rc]]"), "line breaks are normalised");
        assertEquals("\\n", literal("[[\\n]]"), "no escapes in long strings");
    }

    @Test
    void comments() {
        assertTrue(KtapCompiler.compile("c.kp", "#!/usr/bin/env ktap\n# hash\n-- dashes\n--[[ long\n comment ]] print(1)\n"
                + "--[==[ ]] ]==] print(2) --[ not long\n").isSuccess());
        assertEquals(2, KtapCompiler.compile("c.kp", "--[[ x ]] print(1) --[==[ ]] ]==] print(2)")
                .programOrThrow().body().statements().size());
    }

    @Test
    void lineBreaksOfEveryKindCountLines() {
        for (String nl : new String[] {"\n", "\r\n", "\r"}) {
            CompileResult r = KtapCompiler.compile("n.kp", "var a = 1" + nl + nl + "print(b)" + nl);
            assertEquals("n.kp:3:7: error: undeclared name 'b' (declare it with 'var b' at the top level)",
                    r.diagnostics().get(0).toString(), () -> "line break " + nl.replace("\r", "\\r").replace("\n", "\\n"));
        }
    }

    @Test
    void columnsCountBytes() {
        CompileResult r = KtapCompiler.compile("b.kp", "x = \"ééé\" .. y");
        assertEquals(17, r.diagnostics().get(0).span().col(), r.format()); // 14 if it counted chars
    }
}
