package io.ktap.vm;

/**
 * A ktap runtime error inside the VM: division by zero, a type error, a broken limit. The
 * interpreter catches it, adds the source line of the failing instruction and reports it as a
 * {@link io.ktap.trace.TraceOutput.RuntimeError}; it never leaves the VM. Carries no stack trace:
 * it is data, thrown on hot paths.
 */
public final class KtapError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private transient Fn fn;
    private int pc = -1;

    public KtapError(String message) {
        super(message, null, false, false);
    }

    /** Records where the error happened: the innermost frame's function and instruction (first call wins). */
    void locate(Fn where, int at) {
        if (fn == null) {
            fn = where;
            pc = at;
        }
    }

    Fn fn() {
        return fn;
    }

    int pc() {
        return pc;
    }
}
