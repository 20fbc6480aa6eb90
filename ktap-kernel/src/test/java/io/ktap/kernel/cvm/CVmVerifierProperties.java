package io.ktap.kernel.cvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.bytecode.Chunk;
import io.ktap.bytecode.ChunkFormatException;
import io.ktap.bytecode.ChunkReader;
import io.ktap.bytecode.ChunkWriter;
import io.ktap.bytecode.Limits;
import io.ktap.bytecode.Proto;
import io.ktap.bytecode.Verifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The C reader and verifier accept exactly the chunks the Java reader and verifier accept: every
 * corpus chunk, and thousands of mutants of them (instruction words, limits, prototype headers,
 * and raw bytes with the CRC fixed up so that the mutant reaches the structural rules). Both run
 * under the same policy.
 */
class CVmVerifierProperties {

    private static final List<Chunk> CORPUS = corpus();

    private static List<Chunk> corpus() {
        try {
            List<Chunk> out = new ArrayList<>();
            for (Path p : Scripts.validScripts()) {
                out.add(Scripts.compile(p.getFileName().toString(), Files.readAllBytes(p), Limits.DEFAULT));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Java verdict: empty when the reader and the verifier accept, else the first complaint. */
    static Optional<String> javaVerdict(byte[] bytes, Verifier.Policy policy) {
        try {
            Chunk c = ChunkReader.read(bytes);
            List<Verifier.Error> errors = Verifier.verify(c, policy);
            return errors.isEmpty() ? Optional.empty() : Optional.of(errors.get(0).toString());
        } catch (ChunkFormatException e) {
            return Optional.of("reader: " + e.getMessage());
        }
    }

    static void sameVerdict(byte[] bytes) {
        for (Verifier.Policy policy : Verifier.Policy.values()) {
            Optional<String> java = javaVerdict(bytes, policy);
            Optional<String> c = CVm.verify(bytes, policy == Verifier.Policy.KERNEL);
            if (policy == Verifier.Policy.USERSPACE) {
                net.jqwik.api.statistics.Statistics.label("verdict").collect(java.isPresent() ? "rejected" : "accepted");
            }
            assertEquals(java.isPresent(), c.isPresent(),
                    () -> policy + ": Java says " + java.orElse("accept") + ", C says " + c.orElse("accept"));
            if (java.isPresent() && java.get().contains(": V")) {
                String rule = java.get().replaceAll("^.*?: (V\\d+): .*$", "$1");
                assertTrue(c.get().contains(": " + rule + ": "),
                        () -> "first violation: Java " + java.get() + ", C " + c.get());
            }
        }
    }

    @Example
    void everyCorpusChunkIsAccepted() {
        for (Chunk c : CORPUS) {
            byte[] bytes = ChunkWriter.write(c);
            assertEquals(Optional.empty(), CVm.verify(bytes, false), c.source());
            assertEquals(Optional.empty(), CVm.verify(bytes, true), c.source());
        }
    }

    /** The attr words of perf events and breakpoints (rule V26), well formed or not, on both verifiers. */
    @Property(tries = 2000)
    void counterAttrWordsGetTheSameVerdict(@ForAll("counterWords") List<Long> words) {
        Chunk perf = CORPUS.stream().filter(c -> c.source().equals("perf-events.kp")).findFirst().orElseThrow();
        for (int i = 0; i < perf.probes().size(); i++) {
            if (perf.probes().get(i).kind().isCounter()) {
                sameVerdict(ChunkWriter.write(perf.withEventIds(i, words)));
            }
        }
    }

    @Provide
    Arbitrary<List<Long>> counterWords() {
        Arbitrary<Long> word = Arbitraries.oneOf(Arbitraries.longs().between(-1, 12),
                Arbitraries.of(4000L, 1_000_000_000L, 1_000_000_001L, Long.MAX_VALUE, Long.MIN_VALUE, 0x601040L));
        return word.list().ofMinSize(0).ofMaxSize(5);
    }

    @Property(tries = 3000)
    void instructionMutantsGetTheSameVerdict(@ForAll("chunks") Chunk chunk, @ForAll("protoPick") int pick,
                                             @ForAll("pcPick") int pcPick, @ForAll("words") int word) {
        Proto p = chunk.protos().get(pick % chunk.protos().size());
        int[] code = p.code();
        code[pcPick % code.length] = word;
        List<Proto> protos = new ArrayList<>(chunk.protos());
        protos.set(pick % chunk.protos().size(), p.withCode(code, p.lines()));
        Chunk mutant = new Chunk(chunk.source(), chunk.limits(), chunk.globals(), protos, chunk.endProtos(),
                chunk.probes(), chunk.schemas());
        sameVerdict(ChunkWriter.write(mutant));
    }

    @Property(tries = 1000)
    void limitMutantsGetTheSameVerdict(@ForAll("chunks") Chunk chunk, @ForAll("limitField") int field,
                                       @ForAll("limitValues") long value) {
        Limits l = chunk.limits();
        int v = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
        Limits m = switch (field) {
            case 0 -> l.withHandlerBudget(Math.max(0, value));
            case 1 -> l.withMainBudget(Math.max(0, value));
            case 2 -> l.withMaxCallDepth(Math.max(0, v));
            case 3 -> l.withMaxStackSlots(Math.max(0, v));
            case 4 -> l.withMaxStringLength(Math.max(0, v));
            case 5 -> l.withMaxTables(Math.max(0, v));
            case 6 -> l.withMaxTableEntries(Math.max(0, v));
            case 7 -> l.withStringPoolBytes(Math.max(0, v));
            default -> l.withMaxClosures(Math.max(0, v));
        };
        sameVerdict(ChunkWriter.write(chunk.withLimits(m)));
    }

    @Property(tries = 3000)
    void byteMutantsGetTheSameVerdict(@ForAll("chunks") Chunk chunk, @ForAll("positions") List<Integer> positions,
                                      @ForAll("bytes") List<Byte> values, @ForAll boolean fixCrc) {
        byte[] b = ChunkWriter.write(chunk);
        for (int i = 0; i < Math.min(positions.size(), values.size()); i++) {
            b[positions.get(i) % b.length] = values.get(i);
        }
        if (fixCrc && b.length >= 28) {
            CRC32 crc = new CRC32();
            crc.update(b, 0, b.length - 4);
            long v = crc.getValue();
            for (int i = 0; i < 4; i++) {
                b[b.length - 4 + i] = (byte) (v >>> 8 * i);
            }
        }
        sameVerdict(b);
    }

    @Provide
    Arbitrary<Chunk> chunks() {
        return Arbitraries.of(CORPUS);
    }

    @Provide
    Arbitrary<Integer> protoPick() {
        return Arbitraries.integers().between(0, 1 << 16);
    }

    @Provide
    Arbitrary<Integer> pcPick() {
        return Arbitraries.integers().between(0, 1 << 16);
    }

    /** Instruction words: random, and valid opcodes with random operands. */
    @Provide
    Arbitrary<Integer> words() {
        Arbitrary<Integer> valid = Combinators.combine(Arbitraries.integers().between(0, 47),
                Arbitraries.integers().between(0, 0xff), Arbitraries.integers().between(0, 0xff),
                Arbitraries.integers().between(0, 0xff)).as((op, a, b, c) -> op | a << 8 | b << 16 | c << 24);
        Arbitrary<Integer> small = Combinators.combine(Arbitraries.integers().between(0, 47),
                Arbitraries.integers().between(0, 8), Arbitraries.integers().between(0, 8),
                Arbitraries.integers().between(0, 8)).as((op, a, b, c) -> op | a << 8 | b << 16 | c << 24);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(2, valid), net.jqwik.api.Tuple.of(3, small),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
    }

    @Provide
    Arbitrary<Integer> limitField() {
        return Arbitraries.integers().between(0, 8);
    }

    @Provide
    Arbitrary<Long> limitValues() {
        return Arbitraries.oneOf(Arbitraries.longs().between(-2, 300),
                Arbitraries.of(255L, 256L, 511L, 10000L, 10001L, 1L << 20, (1L << 20) + 1, 1L << 26, (1L << 26) + 1,
                        1L << 30, (1L << 30) + 1, (long) Integer.MAX_VALUE, Long.MAX_VALUE));
    }

    @Provide
    Arbitrary<List<Integer>> positions() {
        return Arbitraries.integers().between(0, 1 << 20).list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<Byte>> bytes() {
        return Arbitraries.bytes().list().ofMinSize(1).ofMaxSize(4);
    }
}
