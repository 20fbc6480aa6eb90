package io.ktap.bytecode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Arbitrary chunk models, valid or not: every value the format can carry, for round-trip properties. */
final class RandomChunks {

    private RandomChunks() {
    }

    static Chunk generate(Random r) {
        List<Proto> protos = new ArrayList<>();
        for (int i = r.nextInt(4); i >= 0; i--) {
            protos.add(proto(r));
        }
        List<ProbeEntry> probes = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            List<Long> ids = new ArrayList<>();
            for (int j = r.nextInt(4); j > 0; j--) {
                ids.add(r.nextLong());
            }
            probes.add(new ProbeEntry(ProbeKind.values()[r.nextInt(ProbeKind.values().length)], bytes(r),
                    r.nextBoolean() ? null : bytes(r), r.nextInt(Integer.MAX_VALUE), r.nextLong() & Long.MAX_VALUE, ids));
        }
        List<Integer> ends = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            ends.add(r.nextInt(Integer.MAX_VALUE));
        }
        List<RecordSchema> schemas = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            List<RecordSchema.Field> fields = new ArrayList<>();
            for (int j = r.nextInt(4); j > 0; j--) {
                fields.add(new RecordSchema.Field(bytes(r),
                        RecordSchema.FieldType.values()[r.nextInt(RecordSchema.FieldType.values().length)]));
            }
            schemas.add(new RecordSchema(bytes(r), fields));
        }
        List<String> globals = new ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
            globals.add(bytes(r));
        }
        Limits limits = new Limits(r.nextLong() & Long.MAX_VALUE, r.nextLong() & Long.MAX_VALUE, r.nextInt(Integer.MAX_VALUE),
                r.nextInt(Integer.MAX_VALUE), r.nextInt(Integer.MAX_VALUE), r.nextInt(Integer.MAX_VALUE),
                r.nextInt(Integer.MAX_VALUE), r.nextInt(Integer.MAX_VALUE), r.nextInt(Integer.MAX_VALUE));
        return new Chunk(bytes(r), limits, globals, protos, ends, probes, schemas);
    }

    private static Proto proto(Random r) {
        List<UpvalueDesc> ups = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            ups.add(new UpvalueDesc(r.nextBoolean(), r.nextInt(256), bytes(r)));
        }
        List<Constant> ks = new ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
            ks.add(r.nextBoolean() ? new Constant.Int(r.nextLong()) : new Constant.Str(bytes(r)));
        }
        int n = r.nextInt(8);
        int[] code = new int[n];
        int[] lines = new int[n];
        for (int i = 0; i < n; i++) {
            code[i] = r.nextInt();
            lines[i] = r.nextInt(Integer.MAX_VALUE);
        }
        return new Proto(bytes(r), r.nextInt(Integer.MAX_VALUE), r.nextInt(3) - 1, r.nextInt(256), r.nextBoolean(),
                r.nextInt(256), ups, ks, code, lines);
    }

    private static String bytes(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(6); i > 0; i--) {
            sb.append((char) r.nextInt(256));
        }
        return sb.toString();
    }
}
