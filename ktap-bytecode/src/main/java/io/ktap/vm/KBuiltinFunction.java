package io.ktap.vm;

import io.ktap.ast.Builtin;

/**
 * A builtin as a value, such as the early API's {@code e.tostring}: calling it calls the builtin
 * with the bound receiver (if any) as its first argument.
 */
public final class KBuiltinFunction extends KFunction {

    private final String name;
    private final Object receiver;

    KBuiltinFunction(String name, Object receiver) {
        this.name = name;
        this.receiver = receiver;
    }

    public String name() {
        return name;
    }

    Object receiver() {
        return receiver;
    }

    @Override
    public String toString() {
        return "builtin: " + name;
    }

    static String nameOf(Builtin b) {
        return b.qualifiedName();
    }
}
