package io.ktap.kernel.cvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.ChunkWriter;
import io.ktap.bytecode.Limits;
import io.ktap.bytecode.Proto;
import io.ktap.bytecode.Verifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C VM built with AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer
 * ({@code ktapvm-run-asan}, the standalone driver, so no sanitizer runtime has to be preloaded into
 * the JVM) runs the golden corpus with synthetic events, and hundreds of mutant chunks that the
 * verifier accepts (arbitrary but verified bytecode), without a single sanitizer report or leak.
 */
class CVmSanitizerTest {

    @TempDir
    Path dir;

    private static Path driver() {
        return CVm.libraryPath().resolveSibling("ktapvm-run-asan");
    }

    private String run(List<Path> chunks) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(driver().toString(), "-q", "-R", "1048576", "-e", "5", "-m"));
        chunks.forEach(c -> cmd.add(c.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:exitcode=99");
        pb.environment().put("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1:exitcode=98");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "driver timed out");
        String text = new String(out, StandardCharsets.UTF_8);
        assertFalse(text.contains("Sanitizer") || text.contains("runtime error:"), text);
        assertTrue(p.exitValue() == 0 || p.exitValue() == 1, "exit " + p.exitValue() + ":\n" + text);
        return text;
    }

    @Test
    void corpusRunsClean() throws Exception {
        List<Path> files = new ArrayList<>();
        for (Path s : Scripts.validScripts()) {
            String name = s.getFileName().toString();
            Chunk c = Scripts.compile(name, Files.readAllBytes(s), Limits.DEFAULT);
            Path f = dir.resolve(name + "c");
            Files.write(f, ChunkWriter.write(c));
            files.add(f);
        }
        String out = run(files);
        assertFalse(out.contains(".kpc: chunk"), out);
    }

    /** Mutants of corpus chunks that the Java verifier accepts: the C VM must run them safely. */
    @Test
    void verifiedMutantsRunClean() throws Exception {
        Random random = new Random(20261122);
        List<Chunk> corpus = new ArrayList<>();
        Limits quick = Limits.DEFAULT.withMainBudget(20_000).withHandlerBudget(2_000);
        // Small quotas too, so that the collector runs often under the sanitizers.
        Limits tight = quick.withMaxTables(6).withMaxTableEntries(48).withStringPoolBytes(600).withMaxClosures(4);
        for (Path s : Scripts.validScripts()) {
            byte[] src = Files.readAllBytes(s);
            corpus.add(Scripts.compile(s.getFileName().toString(), src, quick));
            corpus.add(Scripts.compile(s.getFileName().toString(), src, tight));
        }
        List<Path> files = new ArrayList<>();
        int attempts = 0;
        while (files.size() < 400 && attempts++ < 200_000) {
            Chunk c = corpus.get(random.nextInt(corpus.size()));
            List<Proto> protos = new ArrayList<>(c.protos());
            for (int m = 1 + random.nextInt(3); m > 0; m--) {
                int pi = random.nextInt(protos.size());
                Proto p = protos.get(pi);
                int[] code = p.code();
                int pc = random.nextInt(code.length);
                int op = random.nextInt(46);
                code[pc] = op | random.nextInt(8) << 8 | random.nextInt(8) << 16 | random.nextInt(8) << 24;
                if (random.nextBoolean()) {
                    code[pc] = code[pc] & 0xffff | (random.nextInt(7) - 3 & 0xffff) << 16;
                }
                protos.set(pi, p.withCode(code, p.lines()));
            }
            Chunk mutant = new Chunk(c.source(), c.limits(), c.globals(), protos, c.endProtos(), c.probes(),
                    c.schemas());
            if (Verifier.verify(mutant, Verifier.Policy.USERSPACE).isEmpty()) {
                Path f = dir.resolve("mutant-" + files.size() + ".ktapc");
                Files.write(f, ChunkWriter.write(mutant));
                files.add(f);
            }
        }
        assertEquals(400, files.size(), "verified mutants generated");
        String out = run(files);
        assertFalse(out.contains(": chunk") || out.contains(": V"), "the C VM rejected a verified mutant:\n" + out);
    }
}
