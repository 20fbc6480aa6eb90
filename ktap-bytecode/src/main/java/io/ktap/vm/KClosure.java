package io.ktap.vm;

/** A ktap function value: a prototype and its captured upvalues. */
public final class KClosure extends KFunction {

    final Fn fn;
    final UpVal[] upvals;

    KClosure(Fn fn, UpVal[] upvals) {
        this.fn = fn;
        this.upvals = upvals;
    }

    /** The prototype's name. */
    public String name() {
        return fn.name;
    }

    @Override
    public String toString() {
        return "function: " + fn.name;
    }
}
