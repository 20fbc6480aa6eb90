package io.ktap.bytecode;

/**
 * What an instruction field means, and so how the {@link Verifier} checks it. Every opcode
 * declares one role per field ({@link Opcode#a()}, {@link Opcode#b()}, {@link Opcode#c()} or
 * {@link Opcode#d()}); the verifier's generic operand rules are driven by these roles alone, and
 * the few opcode-specific rules are listed in {@link Verifier}.
 */
public enum Operand {
    /** The field is unused and must be zero. */
    NONE,
    /** A register the instruction writes: {@code < frameSize}. */
    DST,
    /** A register the instruction reads: {@code < frameSize}. */
    SRC,
    /** The first register of a range whose extent the opcode defines: {@code < frameSize}, plus the opcode's range rule. */
    BASE,
    /** An unsigned count or start index whose meaning the opcode defines (often {@code n + 1}, with 0 meaning "to top"). */
    COUNT,
    /** An unsigned size hint with no constraint. */
    HINT,
    /** An index into the function's constant pool: {@code < constants.size}. */
    CONST,
    /** An index into the function's upvalues: {@code < upvalues.size}. */
    UPVAL,
    /** An index into the chunk's global table: {@code < globals.size}. */
    GLOBAL,
    /** An index into the chunk's prototype table whose parent is the current prototype. */
    PROTO,
    /** A builtin's stable id ({@link io.ktap.ast.Builtin#id()}) that the VM implements. */
    BUILTIN,
    /** A signed 16-bit jump offset: the target {@code pc + 1 + sD} is inside the function. */
    JUMP,
    /** A signed 16-bit literal. */
    SHORT,
    /** A primitive: 0 nil, 1 false, 2 true. */
    PRI,
    /** An event selector: 0 the event object, 1..9 {@code arg1..arg9}, 10 {@code argname}, 11 {@code argevent}. */
    EVENT,
    /** An index into the chunk's record schemas: {@code < schemas.size}. */
    SCHEMA,
    /** An index into the chunk's aggregation descriptors: {@code < aggregations.size}. */
    AGG;

    /** Whether the field names a register. */
    public boolean isRegister() {
        return this == DST || this == SRC || this == BASE;
    }
}
