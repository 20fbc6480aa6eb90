package io.ktap.bytecode;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One function prototype: the code and constants of a function, a probe handler, an end block or
 * the main chunk. Immutable; the arrays are copied in and out.
 *
 * <p>Prototypes live in one flat table in the chunk; {@link #parent()} links a nested function to
 * the prototype whose code creates it ({@link Opcode#FNEW}), so a loader needs no recursion.
 */
public final class Proto {

    /** {@link #parent()} of a root prototype (main chunk, handlers, end blocks). */
    public static final int NO_PARENT = -1;

    private final String name;
    private final int line;
    private final int parent;
    private final int numParams;
    private final boolean variadic;
    private final int frameSize;
    private final List<UpvalueDesc> upvalues;
    private final List<Constant> constants;
    private final int[] code;
    private final int[] lines;

    /**
     * @param name      a name for listings and error messages ({@code "main"}, {@code "foo"}), a byte string
     * @param line      the source line where the function starts (0 when unknown)
     * @param parent    the index of the prototype that creates this one, or {@link #NO_PARENT}
     * @param numParams fixed parameters, {@code 0..255}; they occupy registers {@code 0 .. numParams-1}
     * @param variadic  whether the function takes {@code ...}
     * @param frameSize registers the function uses, {@code 0..255}
     * @param code      the instructions
     * @param lines     the source line of each instruction ({@code lines.length == code.length})
     */
    public Proto(String name, int line, int parent, int numParams, boolean variadic, int frameSize,
                 List<UpvalueDesc> upvalues, List<Constant> constants, int[] code, int[] lines) {
        this.name = Bytes.requireBytes(name, "name");
        this.line = line;
        this.parent = parent;
        this.numParams = numParams;
        this.variadic = variadic;
        this.frameSize = frameSize;
        this.upvalues = List.copyOf(upvalues);
        this.constants = List.copyOf(constants);
        this.code = code.clone();
        this.lines = lines.clone();
        if (line < 0) {
            throw new IllegalArgumentException("negative line " + line);
        }
        if (parent < NO_PARENT) {
            throw new IllegalArgumentException("bad parent index " + parent);
        }
        if (numParams < 0 || numParams > 0xff || frameSize < 0 || frameSize > 0xff) {
            throw new IllegalArgumentException("numParams and frameSize are 0..255: " + numParams + ", " + frameSize);
        }
        if (this.code.length != this.lines.length) {
            throw new IllegalArgumentException("line table length " + lines.length + " != code length " + code.length);
        }
        for (int l : this.lines) {
            if (l < 0) {
                throw new IllegalArgumentException("negative line in line table: " + l);
            }
        }
    }

    public String name() {
        return name;
    }

    public int line() {
        return line;
    }

    public int parent() {
        return parent;
    }

    public boolean isRoot() {
        return parent == NO_PARENT;
    }

    public int numParams() {
        return numParams;
    }

    public boolean variadic() {
        return variadic;
    }

    public int frameSize() {
        return frameSize;
    }

    public List<UpvalueDesc> upvalues() {
        return upvalues;
    }

    public List<Constant> constants() {
        return constants;
    }

    /** A copy of the instructions. */
    public int[] code() {
        return code.clone();
    }

    public int codeLength() {
        return code.length;
    }

    /** The instruction at {@code pc}. */
    public int instruction(int pc) {
        return code[pc];
    }

    /** A copy of the line table. */
    public int[] lines() {
        return lines.clone();
    }

    /** The source line of the instruction at {@code pc} (0 when unknown). */
    public int lineAt(int pc) {
        return lines[pc];
    }

    /** A copy with other instructions (same length line table required). */
    public Proto withCode(int[] newCode, int[] newLines) {
        return new Proto(name, line, parent, numParams, variadic, frameSize, upvalues, constants, newCode, newLines);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Proto p && name.equals(p.name) && line == p.line && parent == p.parent
                && numParams == p.numParams && variadic == p.variadic && frameSize == p.frameSize
                && upvalues.equals(p.upvalues) && constants.equals(p.constants)
                && Arrays.equals(code, p.code) && Arrays.equals(lines, p.lines);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, line, parent, numParams, variadic, frameSize, upvalues, constants,
                Arrays.hashCode(code), Arrays.hashCode(lines));
    }

    @Override
    public String toString() {
        return "Proto[" + name + ", params=" + numParams + (variadic ? "+..." : "") + ", frame=" + frameSize
                + ", upvalues=" + upvalues.size() + ", constants=" + constants.size() + ", code=" + code.length + "]";
    }
}
