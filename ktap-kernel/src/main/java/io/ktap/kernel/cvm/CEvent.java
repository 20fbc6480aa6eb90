package io.ktap.kernel.cvm;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An event as the C VM's {@code struct ktapvm_event} describes it: its name ({@code argname}), its
 * tracefs line ({@code argevent}), its fields in format order ({@code arg1..argN}, by name for the
 * early API's {@code e.field}), and whether it is a syscall entry.
 *
 * @param name          the event's name, bytes
 * @param text          the tracefs line, bytes
 * @param fields        the fields after the common ones
 * @param syscallEnter  {@code e.sc_is_enter}
 */
public record CEvent(byte[] name, byte[] text, List<Field> fields, boolean syscallEnter) {

    /** One field: its name and a value, a {@link Long} or a byte string ({@code byte[]}). */
    public record Field(byte[] name, Object value) {
        public Field {
            Objects.requireNonNull(name, "name");
            if (!(value instanceof Long) && !(value instanceof byte[])) {
                throw new IllegalArgumentException("a field value is a Long or byte[], not " + value);
            }
        }
    }

    public CEvent {
        fields = List.copyOf(fields);
    }

    /** The native form, valid until closed. */
    Native toNative() {
        return new Native(this);
    }

    /** {@code struct ktapvm_event} and what it points to, in native memory (LP64 layout). */
    static final class Native implements AutoCloseable {
        private static final int EVENT_SIZE = 64;
        private static final int FIELD_SIZE = 40;

        private final List<Memory> keep = new ArrayList<>();
        private final Memory event;

        Native(CEvent e) {
            event = new Memory(EVENT_SIZE);
            event.clear();
            Memory name = bytes(e.name());
            Memory text = bytes(e.text());
            event.setPointer(0, name);
            event.setInt(8, e.name().length);
            event.setPointer(16, text);
            event.setInt(24, e.text().length);
            event.setPointer(32, null);
            if (!e.fields().isEmpty()) {
                Memory fields = new Memory((long) FIELD_SIZE * e.fields().size());
                fields.clear();
                keep.add(fields);
                for (int i = 0; i < e.fields().size(); i++) {
                    Field f = e.fields().get(i);
                    long at = (long) FIELD_SIZE * i;
                    fields.setPointer(at, bytes(f.name()));
                    fields.setInt(at + 8, f.name().length);
                    if (f.value() instanceof Long n) {
                        fields.setInt(at + 12, 0);
                        fields.setLong(at + 16, n);
                    } else {
                        byte[] s = (byte[]) f.value();
                        fields.setInt(at + 12, 1);
                        fields.setPointer(at + 24, bytes(s));
                        fields.setInt(at + 32, s.length);
                    }
                }
                event.setPointer(40, fields);
            }
            event.setInt(48, e.fields().size());
            event.setInt(52, e.syscallEnter() ? 1 : 0);
        }

        private Memory bytes(byte[] b) {
            Memory m = CVm.cBytes(b);
            keep.add(m);
            return m;
        }

        Pointer pointer() {
            return event;
        }

        @Override
        public void close() {
            keep.forEach(Memory::close);
            event.close();
        }
    }
}
