package io.ktap.host;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A tracefs event's {@code format} file: its id (the value perf_event_open takes as the config of
 * a PERF_TYPE_TRACEPOINT event, and the {@code common_type} of its raw records) and the layout of
 * its raw record.
 *
 * @param system       the event's subsystem (group), e.g. {@code syscalls}
 * @param name         the event's name, e.g. {@code sys_enter_getppid}
 * @param id           the event id
 * @param commonFields the {@code common_*} header fields, in record order
 * @param fields       the event's own fields in declaration order (the {@code arg1..argN} of a ktap handler)
 * @param printFormat  the {@code print fmt:} line's text after the colon, trimmed ({@code ""} if absent)
 */
public record EventFormat(String system, String name, int id, List<FieldFormat> commonFields,
                          List<FieldFormat> fields, String printFormat) {

    public EventFormat {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(name, "name");
        commonFields = List.copyOf(commonFields);
        fields = List.copyOf(fields);
        Objects.requireNonNull(printFormat, "printFormat");
    }

    /** {@code system:name}, the form {@code available_events} lists. */
    public String qualifiedName() {
        return system + ":" + name;
    }

    /** The event field (common fields included) with that name. */
    public Optional<FieldFormat> field(String fieldName) {
        for (FieldFormat f : fields) {
            if (f.name().equals(fieldName)) {
                return Optional.of(f);
            }
        }
        for (FieldFormat f : commonFields) {
            if (f.name().equals(fieldName)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
