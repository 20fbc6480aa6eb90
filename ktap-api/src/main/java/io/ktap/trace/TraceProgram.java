package io.ktap.trace;

import io.ktap.ast.Program;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a backend loads: a program as its AST (from the compiler or the fluent API; the backend
 * generates the bytecode) or an already serialized ktapvm chunk (the backend reads and verifies it).
 */
public sealed interface TraceProgram {

    /** A program as an AST; {@code name} is the script's name for {@code arg[0]} and error records. */
    static TraceProgram of(Program program) {
        return new Source(program);
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
