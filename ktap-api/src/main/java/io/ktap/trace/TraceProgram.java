package io.ktap.trace;

import io.ktap.ast.Program;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a backend loads: a program as its AST (from the compiler or the fluent API; the backend
 * generates the bytecode) or an already serialized ktapvm chunk (the backend reads and verifies it).
 *
 * <p>A program that writes typed records declares their Java record classes, whose components are
 * the records' schemas:
 * <pre>{@code
 * record OpenEvent(long pid, String comm, String path) { }
 *
 * TraceProgram p = TraceProgram.compile("open.kp", """
 *         trace syscalls:sys_enter_openat { emit("OpenEvent", pid, execname, user_string(arg3)) }
 *         """).withRecords(OpenEvent.class);
 * }</pre>
 */
public sealed interface TraceProgram {

    /** A program as an AST (from the compiler or the fluent API). */
    static Source of(Program program) {
        return new Source(program, List.of());
    }

    /**
     * Compiles script text with the {@link ScriptCompiler} on the class path (ktap-compiler's).
     *
     * @throws ScriptException when the script does not compile
     * @throws TraceException  when no compiler is on the class path
     */
    static Source compile(String fileName, String text) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (ScriptCompiler c : java.util.ServiceLoader.load(ScriptCompiler.class,
                loader == null ? TraceProgram.class.getClassLoader() : loader)) {
            return of(c.compile(fileName, text));
        }
        throw new TraceException("no ktap compiler on the class path: add ktap-compiler to compile script text");
    }

    /** A serialized chunk in the ktapvm format, as the chunk writer produces it. */
    static TraceProgram ofChunk(byte[] chunk) {
        return new Bytecode(chunk);
    }

    /**
     * A program given as its AST, with the record types its {@code emit} calls write.
     *
     * <p>When {@code records} is empty, every {@code emit("Name", ...)} defines its record type
     * itself: the fields are named after the argument expressions and dynamically typed (this is
     * how the command line runs scripts that no Java class describes). When it is not empty, every
     * emitted name must be one of these types, with as many values as it has fields; the code
     * generator reports any other as a compile error.
     *
     * @param program the program
     * @param records the record types, at most one per name
     */
    record Source(Program program, List<RecordType> records) implements TraceProgram {
        public Source {
            Objects.requireNonNull(program, "program");
            records = List.copyOf(records);
            Map<String, RecordType> byName = new LinkedHashMap<>();
            for (RecordType r : records) {
                RecordType old = byName.putIfAbsent(r.name(), r);
                if (old != null && !old.equals(r)) {
                    throw new IllegalArgumentException("two record types are named " + r.name() + ": " + old + " and " + r);
                }
            }
            records = List.copyOf(byName.values());
        }

        /** A program that emits no declared record types. */
        public Source(Program program) {
            this(program, List.of());
        }

        /**
         * This program with the record types of {@code types} (Java record classes) added to its
         * declared ones; {@code emit("Name", ...)} names a type by its class's simple name.
         *
         * @throws IllegalArgumentException if a class is not a usable record class (see
         *                                  {@link RecordType#of(Class)}) or two differ with one name
         */
        @SafeVarargs
        public final Source withRecords(Class<? extends Record>... types) {
            List<RecordType> all = new ArrayList<>(records);
            for (Class<? extends Record> t : types) {
                all.add(RecordType.of(t));
            }
            return new Source(program, all);
        }

        /** This program with {@code types} added to its declared record types. */
        public Source withRecordTypes(List<RecordType> types) {
            List<RecordType> all = new ArrayList<>(records);
            all.addAll(types);
            return new Source(program, all);
        }
    }

    /** A program given as a serialized chunk. The array is copied in and out. */
    record Bytecode(byte[] chunk) implements TraceProgram {
        public Bytecode {
            chunk = Objects.requireNonNull(chunk, "chunk").clone();
        }

        @Override
        public byte[] chunk() {
            return chunk.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytecode b && Arrays.equals(chunk, b.chunk);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(chunk);
        }

        @Override
        public String toString() {
            return "Bytecode[" + chunk.length + " bytes]";
        }
    }
}
