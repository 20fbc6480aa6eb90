package io.ktap.host;

import java.util.Objects;

/**
 * A tracefs event by name: {@code system:event} as {@code available_events} lists it.
 *
 * @param system the subsystem (group), e.g. {@code syscalls}
 * @param event  the event's name, e.g. {@code sys_enter_getppid}
 */
public record EventRef(String system, String event) implements Comparable<EventRef> {
    public EventRef {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(event, "event");
        if (system.isEmpty() || event.isEmpty() || system.contains("/") || event.contains("/")
                || system.contains("..") || event.contains("..")) {
            throw new IllegalArgumentException("bad event name: " + system + ":" + event);
        }
    }

    /** Parses {@code system:event}. */
    public static EventRef parse(String qualified) {
        int colon = qualified.indexOf(':');
        if (colon <= 0 || colon == qualified.length() - 1) {
            throw new IllegalArgumentException("expected system:event, got '" + qualified + "'");
        }
        return new EventRef(qualified.substring(0, colon), qualified.substring(colon + 1));
    }

    @Override
    public int compareTo(EventRef o) {
        int c = system.compareTo(o.system);
        return c != 0 ? c : event.compareTo(o.event);
    }

    @Override
    public String toString() {
        return system + ":" + event;
    }
}
