package io.ktap.compiler;

import io.ktap.ast.Diagnostic;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No input makes the compiler throw: random bytes, random token soup, and random mutations of the
 * valid corpus scripts all end in a result whose diagnostics are well formed (an error means no
 * program; every diagnostic points into the file).
 */
class RobustnessProperties {

    /** Tokens and fragments that stress the lexer's and parser's edge cases. */
    private static final List<String> FRAGMENTS = List.of(
            "{", "}", "(", ")", "[", "]", "[[", "]]", "[==[", "--[[", "--", "#", "\"", "'", "\\", "\n", ";", ",",
            ".", "..", "...", ":", "=", "==", "!=", "~=", "+=", "..=", "-", "+", "*", "/", "%", "^", "&", "|",
            "&&", "||", "!", "var", "function", "if", "elseif", "else", "while", "repeat", "until", "for", "in",
            "return", "break", "trace", "trace_end", "tick-1ms", "profile-", "tick", "nil", "true", "false",
            "argevent", "arg1", "arg0", "pid", "print", "table.new", "x", "0x", "09", "1e5", "1.5", "123",
            "9223372036854775808", "syscalls:*", "probe:/lib/libc.so.6:malloc", "/ip==x/", "%return", "$retval",
            "\u0000", "\u00ff", "\r", "\t");

    private static final List<byte[]> CORPUS = loadValidCorpus();

    private static List<byte[]> loadValidCorpus() {
        try {
            List<byte[]> scripts = new ArrayList<>();
            for (Path p : CorpusTest.scripts("valid")) {
                scripts.add(Files.readAllBytes(p));
            }
            return scripts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertWellFormed(byte[] source) {
        CompileResult r = KtapCompiler.compile("p.kp", source);
        assertNotNull(r);
        boolean hasError = r.diagnostics().stream().anyMatch(Diagnostic::isError);
        assertTrue(r.isSuccess() != hasError, r::toString);
        long lines = 1;
        for (byte b : source) {
            if (b == '\n' || b == '\r') {
                lines++;
            }
        }
        for (Diagnostic d : r.diagnostics()) {
            assertTrue(d.span().line() >= 1 && d.span().line() <= lines, d::toString);
            assertTrue(d.span().col() >= 1, d::toString);
            assertFalse(d.message().isBlank(), d::toString);
            assertTrue(d.code().matches("K[0-9]{4}"), d::toString);
        }
        assertTrue(r.errors().size() <= Diagnostics.MAX_ERRORS + 1);
    }

    @Property(tries = 500)
    void randomBytes(@ForAll @Size(max = 3000) byte[] source) {
        assertWellFormed(source);
    }

    @Property(tries = 1000)
    void randomTokenSoup(@ForAll("soup") String source) {
        assertWellFormed(source.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Provide
    Arbitrary<String> soup() {
        Arbitrary<String> fragment = Arbitraries.oneOf(Arbitraries.of(FRAGMENTS),
                Arbitraries.strings().withCharRange((char) 0, (char) 255).ofMaxLength(4));
        Arbitrary<String> separator = Arbitraries.of("", " ", "\n");
        return Combinators.combine(fragment, separator).as((f, s) -> f + s).list().ofMaxSize(200)
                .map(parts -> String.join("", parts));
    }

    /** A list of edits, each a kind, a relative position, a length and a payload. */
    record Edit(int kind, double at, int length, String payload) {
    }

    @Property(tries = 1000)
    void mutatedCorpusScripts(@ForAll("scriptIndex") int script, @ForAll("edits") List<Edit> edits) {
        StringBuilder sb = new StringBuilder(new String(CORPUS.get(script), StandardCharsets.ISO_8859_1));
        for (Edit e : edits) {
            int at = (int) (e.at() * sb.length());
            int end = Math.min(sb.length(), at + e.length());
            switch (e.kind()) {
                case 0 -> sb.delete(at, end);
                case 1 -> sb.insert(at, e.payload());
                case 2 -> sb.replace(at, end, e.payload());
                default -> sb.insert(at, sb.substring(at, end)); // duplicate a slice
            }
        }
        assertWellFormed(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    @Provide
    Arbitrary<Integer> scriptIndex() {
        return Arbitraries.integers().between(0, CORPUS.size() - 1);
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        Arbitrary<String> payload = Arbitraries.oneOf(Arbitraries.of(FRAGMENTS),
                Arbitraries.strings().withCharRange((char) 0, (char) 255).ofMaxLength(3));
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(0, 40), payload).as(Edit::new).list().ofMinSize(1).ofMaxSize(8);
    }

    /** Probe headers go through ProbeSpecs: fuzz them with the characters EVENTDEFs are made of. */
    @Property(tries = 2000)
    void randomProbeHeaders(@ForAll("header") String header) {
        assertWellFormed(("trace " + header + " { print(1) }\nprint(2)").getBytes(StandardCharsets.ISO_8859_1));
        assertWellFormed((header + " { }").getBytes(StandardCharsets.ISO_8859_1));
    }

    @Provide
    Arbitrary<String> header() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("probe:", "sdt:", "ftrace:", "function", "tp:", "syscalls", "sys_enter_*", "*", "?",
                        "/lib/libc.so.6", ":", "malloc", "%return", "+", "-", "0x", "0x1f", "99999999999999999999",
                        " ", "=", "%di", "$retval", "$stack", "$arg1", "$comm", "@", "(", ")", "+4($stack)", ":string",
                        ":u32", ":b4@3/32", "[4]", ",", "/", "/ip==x/", "\"", "tick-", "profile-", "1", "ms", "s", "us",
                        "name", "x=", "\n", "{", "}", "#", "--"),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(3));
        return piece.list().ofMaxSize(12).map(parts -> String.join("", parts));
    }

    @Property(tries = 200)
    void everyPrefixOfACorpusScript(@ForAll("scriptIndex") int script, @ForAll("fraction") double fraction) {
        byte[] full = CORPUS.get(script);
        byte[] prefix = java.util.Arrays.copyOf(full, (int) (full.length * fraction));
        assertWellFormed(prefix);
    }

    @Provide
    Arbitrary<Double> fraction() {
        return Arbitraries.doubles().between(0, 1);
    }
}
