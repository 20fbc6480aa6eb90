package io.ktap.bytecode;

import static io.ktap.bytecode.Operand.BASE;
import static io.ktap.bytecode.Operand.BUILTIN;
import static io.ktap.bytecode.Operand.CONST;
import static io.ktap.bytecode.Operand.COUNT;
import static io.ktap.bytecode.Operand.DST;
import static io.ktap.bytecode.Operand.EVENT;
import static io.ktap.bytecode.Operand.GLOBAL;
import static io.ktap.bytecode.Operand.HINT;
import static io.ktap.bytecode.Operand.JUMP;
import static io.ktap.bytecode.Operand.NONE;
import static io.ktap.bytecode.Operand.PRI;
import static io.ktap.bytecode.Operand.PROTO;
import static io.ktap.bytecode.Operand.SCHEMA;
import static io.ktap.bytecode.Operand.SHORT;
import static io.ktap.bytecode.Operand.SRC;
import static io.ktap.bytecode.Operand.UPVAL;

import java.util.Optional;

/**
 * The ktapvm instruction set: the single source of truth for opcode numbers, operand formats and
 * semantics. The C VM's opcode header is checked against this table.
 *
 * <h2>Encoding</h2>
 * Every instruction is one 32-bit little-endian word (see {@link Ins}):
 * <pre>
 *  31      24 23      16 15       8 7        0
 * +----------+----------+----------+----------+
 * |    C     |    B     |    A     |    op    |   format ABC
 * +----------+----------+----------+----------+
 * |          D          |    A     |    op    |   format AD   (sD: D as a signed 16-bit value)
 * +---------------------+----------+----------+
 * </pre>
 * The opcode number is the enum's {@link #code()} (equal to its ordinal; never reordered, new
 * opcodes are appended).
 *
 * <h2>Notation</h2>
 * {@code R[x]} register x of the current frame, {@code K[x]} constant x of the current function,
 * {@code U[x]} upvalue x of the running closure, {@code G[x]} global slot x of the chunk,
 * {@code P[x]} prototype x of the chunk, {@code top} the end of the last variable-length result
 * (see {@link #CALL}). Integers are 64-bit two's complement and every arithmetic operation wraps
 * (the C VM computes in unsigned arithmetic: signed overflow is undefined behaviour in C).
 * Truthiness: only nil and false are false.
 *
 * <h2>Runtime errors</h2>
 * An instruction that raises an error stops the handler; the VM reports {@code error: <message>}
 * with the source line of the instruction (the function's line table). Messages are part of the
 * contract (both VMs print the same); {@code <type>} is one of {@code nil boolean number string
 * table function event}. Every instruction also consumes one unit of the invocation's instruction
 * budget before it executes; when none is left the VM raises
 * {@code "instruction budget exceeded"} instead of executing it.
 *
 * <h2>Registers the verifier does not type</h2>
 * The verifier checks indices, not types: no instruction may assume the type of a register from the
 * bytecode around it. Every opcode checks the tags of the values it reads, and every register of a
 * new frame above its parameters starts as nil.
 */
public enum Opcode {

    // ---- loads -----------------------------------------------------------------------------

    /** {@code R[A] = R[D]}. */
    MOV(Format.AD, DST, NONE, NONE, SRC),
    /** {@code R[A] = nil | false | true} for {@code D = 0 | 1 | 2}. */
    KPRI(Format.AD, DST, NONE, NONE, PRI),
    /** {@code R[A] = sD}, the sign-extended 16-bit literal. */
    KSHORT(Format.AD, DST, NONE, NONE, SHORT),
    /** {@code R[A] = K[D]} (an integer or a string). */
    KCONST(Format.AD, DST, NONE, NONE, CONST),
    /** {@code R[A] .. R[D] = nil}. Rule: {@code A <= D}. */
    KNIL(Format.AD, BASE, NONE, NONE, BASE),

    // ---- globals and upvalues -----------------------------------------------------------------

    /** {@code R[A] = G[D]}. Globals start as nil (except {@code arg}, set by the VM: see the format spec). */
    GGET(Format.AD, DST, NONE, NONE, GLOBAL),
    /** {@code G[D] = R[A]}. Globals are shared by every handler on every CPU. */
    GSET(Format.AD, SRC, NONE, NONE, GLOBAL),
    /** {@code R[A] = U[D]}. */
    UGET(Format.AD, DST, NONE, NONE, UPVAL),
    /** {@code U[A] = R[D]}. */
    USET(Format.AD, UPVAL, NONE, NONE, SRC),
    /**
     * Closes every open upvalue of this frame that refers to a register {@code >= A} (the closures
     * keep the values; the registers are free again), then {@code pc += sD} ({@code sD} may be 0).
     */
    UCLO(Format.AD, BASE, NONE, NONE, JUMP),
    /**
     * {@code R[A] = } a new closure of {@code P[D]}, whose parent must be the current prototype.
     * Each upvalue descriptor of {@code P[D]} captures either register {@code index} of this frame
     * (in-stack: the upvalue stays open, shared with every other closure capturing that register,
     * until the register is closed by {@link #UCLO}, {@link #RET} or {@link #TAILCALL}) or upvalue
     * {@code index} of the running closure.
     * Error: {@code "closure quota exceeded"}.
     */
    FNEW(Format.AD, DST, NONE, NONE, PROTO),

    // ---- tables -------------------------------------------------------------------------------

    /**
     * {@code R[A] = {}}, with B array slots and C hash slots as size hints (a VM may ignore them).
     * Error: {@code "table quota exceeded"}.
     */
    TNEW(Format.ABC, DST, HINT, HINT, null),
    /**
     * {@code R[A] = R[B][R[C]]}; a missing key (and a nil key) reads nil.
     * Error: R[B] not a table: {@code "attempt to index a <type> value"}.
     */
    TGET(Format.ABC, DST, SRC, SRC, null),
    /** {@code R[A] = R[B][K[C]]}, otherwise as {@link #TGET}. */
    TGETK(Format.ABC, DST, SRC, CONST, null),
    /**
     * {@code R[B][R[C]] = R[A]}; storing nil removes the key.
     * Errors: R[B] not a table: {@code "attempt to index a <type> value"}; R[C] nil:
     * {@code "table index is nil"}; a new key beyond the quota: {@code "table quota exceeded"}.
     */
    TSET(Format.ABC, SRC, SRC, SRC, null),
    /** {@code R[B][K[C]] = R[A]}, otherwise as {@link #TSET}. */
    TSETK(Format.ABC, SRC, SRC, CONST, null),
    /**
     * {@code R[A][D + i] = R[A + 1 + i]} for every i in {@code 0 .. top - A - 2}: stores the
     * variable-length results of the preceding instruction as list items of the table R[A]
     * ({@code {x, y, f()}}). Rules: {@code D >= 1}; variable-length consumer (see {@link #CALL}).
     * Errors as {@link #TSET}.
     */
    TSETM(Format.AD, BASE, NONE, NONE, COUNT),
    /**
     * {@code R[B][R[C]] = (R[B][R[C]] or 0) + R[A]}: the counting form of {@code t[k] += v}, where a
     * missing slot counts as 0. Errors, checked in this order: R[B] not a table (as {@link #TSET}),
     * R[A] not a number ({@code "attempt to perform arithmetic on a <type> value"}), R[C] nil
     * ({@code "table index is nil"}), the slot holding a non-number (arithmetic error), a new key
     * beyond the quota.
     */
    TINCR(Format.ABC, SRC, SRC, SRC, null),

    // ---- arithmetic and strings ---------------------------------------------------------------

    /**
     * {@code R[A] = R[B] + R[C]}. Error: an operand not a number:
     * {@code "attempt to perform arithmetic on a <type> value"} (the first non-number operand).
     */
    ADD(Format.ABC, DST, SRC, SRC, null),
    /** {@code R[A] = R[B] - R[C]}; errors as {@link #ADD}. */
    SUB(Format.ABC, DST, SRC, SRC, null),
    /** {@code R[A] = R[B] * R[C]}; errors as {@link #ADD}. */
    MUL(Format.ABC, DST, SRC, SRC, null),
    /**
     * {@code R[A] = R[B] / R[C]}, truncating toward zero (C99 and Java);
     * {@code MIN_VALUE / -1 = MIN_VALUE}. Errors as {@link #ADD}; R[C] zero: {@code "division by zero"}.
     */
    DIV(Format.ABC, DST, SRC, SRC, null),
    /**
     * {@code R[A] = R[B] % R[C]}, the remainder of the truncating division (its sign is the
     * dividend's); {@code MIN_VALUE % -1 = 0}. Errors as {@link #ADD}; R[C] zero: {@code "modulo by zero"}.
     */
    MOD(Format.ABC, DST, SRC, SRC, null),
    /**
     * {@code R[A] = R[B] ^ R[C]}, integer exponentiation by squaring (wrapping). Errors as
     * {@link #ADD}; R[C] negative: {@code "negative exponent"}.
     */
    POW(Format.ABC, DST, SRC, SRC, null),
    /** {@code R[A] = -R[D]} (wrapping). Error as {@link #ADD}. */
    NEG(Format.AD, DST, NONE, NONE, SRC),
    /** {@code R[A] = not R[D]}: true when R[D] is nil or false, else false. */
    NOT(Format.AD, DST, NONE, NONE, SRC),
    /**
     * {@code R[A] = len(R[D])}: a string's length in bytes, a table's number of entries.
     * Error: {@code "attempt to get length of a <type> value"}.
     */
    LEN(Format.AD, DST, NONE, NONE, SRC),
    /**
     * {@code R[A] = R[B] .. R[C]}, both strings (numbers are not converted).
     * Errors: {@code "attempt to concatenate a <type> value"}; a result longer than the chunk's
     * maxStringLength: {@code "string length limit exceeded"}; no pool space: {@code "string quota exceeded"}.
     */
    CAT(Format.ABC, DST, SRC, SRC, null),

    // ---- comparisons (produce a boolean) --------------------------------------------------------

    /**
     * {@code R[A] = R[B] == R[C]}: same type and same value (strings by bytes; tables, functions and
     * events by identity). Never raises.
     */
    EQ(Format.ABC, DST, SRC, SRC, null),
    /** {@code R[A] = R[B] != R[C]}, the negation of {@link #EQ}. */
    NE(Format.ABC, DST, SRC, SRC, null),
    /**
     * {@code R[A] = R[B] < R[C]}, both numbers ({@code a > b} is compiled as {@code b < a}).
     * Error: {@code "attempt to compare <type> with <type>"} (the types of R[B] and R[C], in that order).
     */
    LT(Format.ABC, DST, SRC, SRC, null),
    /** {@code R[A] = R[B] <= R[C]}; errors as {@link #LT}. */
    LE(Format.ABC, DST, SRC, SRC, null),

    // ---- control flow -----------------------------------------------------------------------------

    /** {@code pc += sD}. */
    JMP(Format.AD, NONE, NONE, NONE, JUMP),
    /** If R[A] is truthy, {@code pc += sD}. */
    JMPT(Format.AD, SRC, NONE, NONE, JUMP),
    /** If R[A] is falsy (nil or false), {@code pc += sD}. */
    JMPF(Format.AD, SRC, NONE, NONE, JUMP),
    /**
     * Numeric for-loop entry. R[A] start, R[A+1] limit, R[A+2] step (all numbers), R[A+3] the
     * loop variable; rule: {@code A + 3 < frameSize}. If the loop runs zero times ({@code step > 0}
     * and {@code start > limit}, or {@code step < 0} and {@code start < limit}) {@code pc += sD};
     * otherwise R[A+1] becomes the number of iterations left after this one, computed without
     * overflow as an unsigned 64-bit value ({@code (limit - start) / step}, or
     * {@code (start - limit) / (-(step + 1) + 1)} for a negative step, in unsigned arithmetic),
     * and R[A+3] = R[A]. Errors: {@code "'for' initial value must be a number"},
     * {@code "'for' limit must be a number"}, {@code "'for' step must be a number"},
     * {@code "'for' step is zero"}.
     */
    FORPREP(Format.AD, BASE, NONE, NONE, JUMP),
    /**
     * Numeric for-loop back edge. If the unsigned count R[A+1] is non-zero: R[A+1] -= 1,
     * R[A] += R[A+2] (wrapping), R[A+3] = R[A], {@code pc += sD}; otherwise fall through.
     * Rule: {@code A + 3 < frameSize}. Error: R[A], R[A+1] or R[A+2] not a number:
     * {@code "'for' loop state is not a number"}.
     */
    FORLOOP(Format.AD, BASE, NONE, NONE, JUMP),
    /**
     * {@code for (k, v in pairs(t))} entry: R[A] must be a table, R[A+1] = 0 (the hidden cursor),
     * then {@code pc += sD} (to the loop's {@link #ITERN}). Rule: {@code A + 3 < frameSize}.
     * Error: {@code "bad argument #1 to 'pairs' (table expected, got <type>)"}.
     */
    ITERP(Format.AD, BASE, NONE, NONE, JUMP),
    /**
     * {@code pairs} back edge: finds the first live entry of table R[A] at or after cursor R[A+1].
     * If there is one: R[A+2] = its key, R[A+3] = its value, R[A+1] = its position + 1,
     * {@code pc += sD}; otherwise fall through. Entries are visited in the order their keys were
     * first inserted (a removed key inserted again moves to the end); a cursor out of range (or not
     * a number) means there is no next entry. Rule: {@code A + 3 < frameSize}.
     * Error: R[A] not a table, as {@link #ITERP}.
     */
    ITERN(Format.AD, BASE, NONE, NONE, JUMP),

    // ---- calls ------------------------------------------------------------------------------------

    /**
     * Calls the closure R[A] with the B-1 arguments R[A+1 .. A+B-1] (B = 0: the arguments run to
     * {@code top}) and stores C-1 results in R[A .. A+C-2], padding with nil (C = 0: every result,
     * and {@code top} = A + the number of results). The callee's parameters are its first registers;
     * extra arguments are dropped, or kept as its varargs when it is variadic.
     * <p>Variable-length results: an instruction with a variable count (CALL C=0, {@link #VARG}
     * D=0) sets {@code top}; one that consumes {@code top} (CALL and {@link #TAILCALL} with B=0,
     * {@link #CALLB} B=0, {@link #RET} D=0, {@link #TSETM}) must immediately follow such a producer,
     * must not be a jump target, and the producer's A must be at or above the consumer's first
     * variable register. Results may extend past the frame; the VM checks them against its stack.
     * <p>Rules: {@code A + B - 1 < frameSize} when B &gt; 0, {@code A + C - 2 < frameSize} when C &gt; 1.
     * Errors: {@code "attempt to call a <type> value"}; more than maxCallDepth frames or no stack
     * left: {@code "stack overflow"}.
     */
    CALL(Format.ABC, BASE, COUNT, COUNT, null),
    /**
     * {@code return R[A](R[A+1 .. A+B-1])} without growing the stack: closes this frame's upvalues,
     * replaces the frame by the callee's (the call depth does not change) and returns every result
     * of the callee to this function's caller. B as in {@link #CALL}. Errors as {@link #CALL}.
     */
    TAILCALL(Format.ABC, BASE, COUNT, NONE, null),
    /**
     * {@code R[A] = builtin_C(R[A .. A+B-2])}: calls the builtin with id C with B-1 arguments
     * (B = 0: to {@code top}); every builtin returns exactly one value (nil when it has nothing to
     * return). Rules: C is a builtin the VM implements; a fixed argument count is accepted by the
     * builtin's arity; {@code A + B - 2 < frameSize}. Errors: a variable argument count the builtin
     * does not accept: {@code "wrong number of arguments to '<name>'"}, and the builtin's own errors.
     */
    CALLB(Format.ABC, BASE, COUNT, BUILTIN, null),
    /**
     * Returns R[A .. A+D-2] (D = 0: to {@code top}) to the caller after closing every open upvalue
     * of this frame. Returning from a handler, the main chunk or an end block ends that invocation.
     * Rule: {@code A + D - 2 < frameSize} when D &gt; 1.
     */
    RET(Format.AD, BASE, NONE, NONE, COUNT),
    /**
     * {@code R[A .. A+D-2] = ...}: the function's varargs, padded with nil (D = 0: all of them,
     * setting {@code top}). Rules: only in a variadic function; {@code A + D - 2 < frameSize} when
     * D &gt; 1.
     */
    VARG(Format.AD, BASE, NONE, NONE, COUNT),

    // ---- events and records -----------------------------------------------------------------------

    /**
     * {@code R[A] = } a part of the event being handled: D = 0 the event object (the early API's
     * {@code fn(e)}), 1..9 {@code arg1..arg9} (a number or a string; nil when the event has fewer
     * fields), 10 {@code argname}, 11 {@code argevent}. Also valid in functions called by a handler.
     * Error: outside a probe handler's invocation: {@code "no event in this context"}.
     */
    EVGET(Format.AD, DST, NONE, NONE, EVENT),
    /**
     * Writes one typed record of schema C whose fields are R[A .. A+B-1]. Rules: B equals the
     * schema's field count; {@code A + B - 1 < frameSize}. Error: a value of the wrong type:
     * {@code "emit: field '<name>' expects <type>, got <type>"}.
     */
    EMIT(Format.ABC, BASE, COUNT, SCHEMA, null),

    // ---- aggregations (format version 2) -----------------------------------------------------------

    /**
     * {@code R[A] = aggregate(R[A], R[A+1])} under descriptor D ({@link AggregationSpec}): when R[A]
     * is nil it becomes a new aggregation of D's kind and bounds, else R[A] must be an aggregation
     * of the same kind and bounds (its name may differ), which is updated in place with the value
     * R[A+1] (not read by {@code count}). Rule: {@code A + 1 < frameSize}. Errors, in this order: the
     * value not a number: {@code "bad argument #1 to '<kind>' (number expected, got <type>)"}; R[A]
     * neither nil nor such an aggregation: {@code "attempt to update a <type> value with <sig>"} or
     * {@code "attempt to update a <sig> aggregation with <sig>"} ({@code <sig>} as
     * {@link AggregationSpec#signature()}); a new aggregation beyond the entry quota:
     * {@code "table quota exceeded"}. The update itself never fails: count, total, min, max and
     * buckets follow the format spec (sums wrap).
     */
    AGG(Format.AD, BASE, NONE, NONE, Operand.AGG),
    /**
     * The slot R[A][R[A+1]] is aggregated as by {@link #AGG} with the value R[A+2]: a missing key
     * gets a new aggregation (one new entry). Rule: {@code A + 2 < frameSize}. Errors, in this
     * order: R[A] not a table: {@code "attempt to index a <type> value"}; R[A+1] nil:
     * {@code "table index is nil"}; then as {@link #AGG} (a new key and its aggregation beyond the
     * entry quota: {@code "table quota exceeded"}).
     */
    TAGG(Format.AD, BASE, NONE, NONE, Operand.AGG);

    /** The two instruction layouts. */
    public enum Format {
        /** 8-bit A, B and C. */
        ABC,
        /** 8-bit A and 16-bit D. */
        AD
    }

    private static final Opcode[] BY_CODE = values();

    private final Format format;
    private final Operand a;
    private final Operand b;
    private final Operand c;
    private final Operand d;

    Opcode(Format format, Operand a, Operand b, Operand c, Operand d) {
        this.format = format;
        this.a = a;
        if (format == Format.ABC) {
            this.b = b;
            this.c = c;
            this.d = NONE;
        } else {
            this.b = NONE;
            this.c = NONE;
            this.d = d;
        }
    }

    /** The opcode number in the low 8 bits of an instruction. */
    public int code() {
        return ordinal();
    }

    public Format format() {
        return format;
    }

    /** The role of field A. */
    public Operand a() {
        return a;
    }

    /** The role of field B ({@link Operand#NONE} in format AD). */
    public Operand b() {
        return b;
    }

    /** The role of field C ({@link Operand#NONE} in format AD). */
    public Operand c() {
        return c;
    }

    /** The role of field D ({@link Operand#NONE} in format ABC). */
    public Operand d() {
        return d;
    }

    /** Whether the instruction may transfer control to {@code pc + 1 + sD}. */
    public boolean isJump() {
        return d == JUMP;
    }

    /** Whether control never falls through to the next instruction. */
    public boolean endsBlock() {
        return this == JMP || this == RET || this == TAILCALL;
    }

    /** The number of opcodes; valid codes are {@code 0 .. count() - 1}. */
    public static int count() {
        return BY_CODE.length;
    }

    /** The opcode numbered {@code code}, if any. */
    public static Optional<Opcode> byCode(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.of(BY_CODE[code]) : Optional.empty();
    }

    /** The opcode numbered {@code code}; the caller has checked that it exists. */
    public static Opcode of(int code) {
        return BY_CODE[code];
    }
}
