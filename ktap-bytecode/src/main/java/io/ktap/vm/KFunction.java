package io.ktap.vm;

/** A callable ktap value: a closure of a chunk's prototype, or a builtin bound as a value. */
public abstract sealed class KFunction permits KClosure, KBuiltinFunction {

    KFunction() {
    }
}
