package io.ktap.kernel.cvm;

import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.ChunkWriter;
import io.ktap.bytecode.Codegen;
import io.ktap.bytecode.CodegenResult;
import io.ktap.bytecode.Limits;
import io.ktap.compiler.CompileResult;
import io.ktap.compiler.KtapCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Compiles ktap scripts to chunks for the C VM tests, and finds the golden corpus. */
public final class Scripts {

    private Scripts() {
    }

    /** The chunk of {@code source} (compiled as {@code fileName}) under {@code limits}. */
    public static Chunk compile(String fileName, byte[] source, Limits limits) {
        return compile(fileName, source, limits, List.of());
    }

    /** The chunk of {@code source} under {@code limits}, emitting the declared {@code records}. */
    public static Chunk compile(String fileName, byte[] source, Limits limits, List<io.ktap.bytecode.RecordSchema> records) {
        CompileResult r = KtapCompiler.compile(fileName, source);
        if (!r.isSuccess()) {
            throw new IllegalArgumentException("does not compile: " + r.format());
        }
        CodegenResult g = Codegen.compile(r.programOrThrow(), limits, records);
        if (!g.ok()) {
            throw new IllegalArgumentException("no bytecode: " + g.diagnostics());
        }
        return g.orThrow();
    }

    public static Chunk compile(String fileName, String source) {
        return compile(fileName, source.getBytes(java.nio.charset.StandardCharsets.UTF_8), Limits.DEFAULT);
    }

    public static byte[] bytes(Chunk chunk) {
        return ChunkWriter.write(chunk);
    }

    /** The golden corpus directory ({@code -Dktap.corpus}, else relative to ktap-kernel). */
    public static Path corpus() {
        String p = System.getProperty("ktap.corpus");
        return p != null ? Path.of(p) : Path.of("../ktap-compiler/src/test/resources/corpus");
    }

    /** The corpus's valid scripts, sorted by name. */
    public static List<Path> validScripts() throws IOException {
        try (Stream<Path> s = Files.list(corpus().resolve("valid"))) {
            return s.filter(p -> p.toString().endsWith(".kp")).sorted().collect(Collectors.toList());
        }
    }

    /**
     * Writes chunks to {@code args[0]}: with no scripts given, those of every valid corpus script
     * (the libFuzzer seed corpus: default limits, main budget 100,000); else those of the scripts given, with unlimited
     * budgets (the benchmark's input). Usage: {@code Scripts OUTDIR [SCRIPT.kp ...]}.
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        List<Path> scripts = new java.util.ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            scripts.add(Path.of(args[i]));
        }
        Limits limits = Limits.DEFAULT.withMainBudget(0).withHandlerBudget(0);
        if (scripts.isEmpty()) {
            scripts.addAll(validScripts());
            // Fuzzing seeds: budgets small enough that the harness runs every mutant it verifies.
            limits = Limits.DEFAULT.withMainBudget(100_000);
        }
        for (Path p : scripts) {
            String name = p.getFileName().toString();
            Chunk c = compile(name, Files.readAllBytes(p), limits);
            Files.write(out.resolve(name.replaceAll("\\.kp$", ".ktapc")), bytes(c));
        }
        System.out.println("wrote " + scripts.size() + " chunks to " + out);
    }
}
