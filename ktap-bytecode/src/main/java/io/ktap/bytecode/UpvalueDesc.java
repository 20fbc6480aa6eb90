package io.ktap.bytecode;

/**
 * How a closure captures one upvalue when {@link Opcode#FNEW} creates it.
 *
 * @param inStack whether it captures register {@code index} of the creating frame (true) or
 *                upvalue {@code index} of the creating closure (false)
 * @param index   the register or upvalue index, {@code 0..255}
 * @param name    the variable's name, for listings and debugging (a byte string)
 */
public record UpvalueDesc(boolean inStack, int index, String name) {
    public UpvalueDesc {
        if (index < 0 || index > 0xff) {
            throw new IllegalArgumentException("upvalue index out of range: " + index);
        }
        Bytes.requireBytes(name, "upvalue name");
    }
}
