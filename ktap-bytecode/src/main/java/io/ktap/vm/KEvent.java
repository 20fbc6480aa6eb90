package io.ktap.vm;

/**
 * The event as a value, what the early API passes to {@code kdebug.probe} handlers: {@code e.name},
 * {@code e.tostring()}, {@code e.sc_is_enter} and the fields by name.
 */
public final class KEvent {

    private final TraceEvent event;

    KEvent(TraceEvent event) {
        this.event = event;
    }

    public TraceEvent event() {
        return event;
    }

    /** {@code e.key}: a field by name, or one of {@code name}, {@code tostring}, {@code sc_is_enter}. */
    void index(Object kr, long kn, Object[] ref, long[] num, int o) {
        if (kr instanceof KString k) {
            int f = event.fieldIndex(k);
            if (f > 0) {
                event.field(f, ref, num, o);
                return;
            }
            switch (k.toString()) {
                case "name" -> {
                    ref[o] = event.name();
                    return;
                }
                case "tostring" -> {
                    ref[o] = new KBuiltinFunction("tostring", this);
                    return;
                }
                case "sc_is_enter" -> {
                    ref[o] = event.isSyscallEnter() ? Boolean.TRUE : Boolean.FALSE;
                    return;
                }
                default -> {
                }
            }
        } else if (kr == Values.INT && kn >= 1 && kn <= event.fieldCount()) {
            event.field((int) kn, ref, num, o);
            return;
        }
        ref[o] = null;
    }

    /** The event's tracefs line. */
    @Override
    public String toString() {
        return event.text().toString();
    }
}
