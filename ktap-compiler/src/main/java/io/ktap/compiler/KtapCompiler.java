package io.ktap.compiler;

import io.ktap.ast.Diagnostic;
import io.ktap.ast.Program;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The ktap language front end: script text in, {@link Program} (the ktap-api AST) and diagnostics
 * out. Lexing, parsing and name resolution happen here; the result never depends on anything but
 * the text, and no input makes it throw: every user mistake is a {@link Diagnostic}
 * ({@code file:line:col: error: message}, with a stable {@link ErrorCode}).
 *
 * <pre>{@code
 * CompileResult r = KtapCompiler.compile("count.kp", "var n = 0\ntrace syscalls:* { n += 1 }");
 * r.diagnostics().forEach(System.err::println);
 * r.program().ifPresent(backend::run);
 * }</pre>
 *
 * <p>ktap source is a byte string: string literals may hold any bytes, and columns in diagnostics
 * count bytes. {@link #compile(String, byte[])} takes the bytes as they are;
 * {@link #compile(String, String)} takes Java text and encodes it as UTF-8 first.
 */
public final class KtapCompiler {

    private KtapCompiler() {
    }

    /** Compiles Java text (encoded as UTF-8, so {@code "é"} in a literal is two bytes). */
    public static CompileResult compile(String fileName, String source) {
        Objects.requireNonNull(source, "source");
        return compile(fileName, source.getBytes(StandardCharsets.UTF_8));
    }

    /** Compiles a script given as its bytes. */
    public static CompileResult compile(String fileName, byte[] source) {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(source, "source");
        return compileBytes(fileName, new String(source, StandardCharsets.ISO_8859_1));
    }

    /**
     * Compiles the script file at {@code path}; diagnostics name the file as {@code path} was given.
     *
     * @throws IOException if the file cannot be read (not a compile error: the script does not exist)
     */
    public static CompileResult compile(Path path) throws IOException {
        return compile(path.toString(), Files.readAllBytes(path));
    }

    /**
     * Compiles source whose chars are already bytes (each {@code 0..255}), as when a file is read
     * with ISO-8859-1.
     */
    static CompileResult compileBytes(String fileName, String bytes) {
        Diagnostics diagnostics = new Diagnostics();
        Program program = null;
        try {
            Lexer lexer = new Lexer(fileName, bytes, diagnostics);
            program = new Parser(lexer, diagnostics).parseProgram();
            if (program != null && diagnostics.errorCount() == 0) {
                Resolver.resolve(program, diagnostics);
            }
        } catch (Diagnostics.Abort e) {
            program = null;
        }
        if (diagnostics.errorCount() > 0) {
            program = null;
        }
        return new CompileResult(program, sorted(diagnostics.all()));
    }

    /**
     * Diagnostics by position; the sort is stable, so those at one position keep their order, and
     * a final "too many errors" stays last.
     */
    static List<Diagnostic> sorted(List<Diagnostic> diagnostics) {
        List<Diagnostic> list = new ArrayList<>(diagnostics);
        Diagnostic last = null;
        if (!list.isEmpty() && list.get(list.size() - 1).code().equals(ErrorCode.TOO_MANY_ERRORS.code())) {
            last = list.remove(list.size() - 1);
        }
        list.sort(Comparator.comparingInt((Diagnostic d) -> d.span().line()).thenComparingInt(d -> d.span().col()));
        if (last != null) {
            list.add(last);
        }
        return list;
    }
}
