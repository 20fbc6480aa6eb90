package io.ktap.trace;

import io.ktap.ast.Program;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a backend loads: a program as its AST (from the compiler or the fluent API; the backend
 * generates the bytecode) or an already serialized ktapvm chunk (the backend reads and verifies it).
 */
public sealed interface TraceProgram {

    /** A program as an AST (from the compiler or the fluent API). */
    static TraceProgram of(Program program) {
        return new Source(program);
    }

    /**
     * Compiles script text with the {@link ScriptCompiler} on the class path (ktap-compiler's).
     *
     * @throws ScriptException when the script does not compile
     * @throws TraceException  when no compiler is on the class path
     */
    static TraceProgram compile(String fileName, String text) {
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

    /** A program given as its AST. */
    record Source(Program program) implements TraceProgram {
        public Source {
            Objects.requireNonNull(program, "program");
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
