package io.ktap.host;

import io.ktap.sim.PrintFormat;
import io.ktap.vm.KString;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the host backend knows about one attached event before any sample arrives: the name a
 * handler sees ({@code argname}), the fields that are {@code arg1..argN} (the format's fields after
 * the common ones, in order), and how the kernel would print it in the {@code trace} file.
 */
final class EventShape {

    /** How the event's line in the {@code trace} file is written. */
    enum Style {
        /** {@code sys_openat(dfd: 0xffffff9c, filename: 0x7f..., flags: 0x80000, mode: 0)}: the syscall enter printer. */
        SYSCALL_ENTER,
        /** {@code sys_openat -> 0x3}: the syscall exit printer. */
        SYSCALL_EXIT,
        /** {@code name: } and the format's {@code print fmt}: tracepoints and the function event. */
        PRINT_FMT,
        /** {@code name: (0x<ip>) arg=...}: uprobes and kprobes, as their own printers write them. */
        PROBE,
        /** {@code tick-1s} / {@code profile-1ms}: a timer, which has no fields. */
        TIMER,
        /** A perf event or breakpoint: its handler sees an {@link io.ktap.vm.CounterEvent}. */
        COUNTER
    }

    private final KString name;
    private final String displayName;
    private final EventFormat format;
    private final FieldFormat[] fields;
    private final Style style;
    private final PrintFormat printFormat;
    private final Map<String, FieldFormat> byName = new HashMap<>();
    private final Map<KString, Integer> indexByName = new HashMap<>();

    private EventShape(String name, EventFormat format, Style style) {
        this.name = KString.of(name);
        this.displayName = name;
        this.format = format;
        this.style = style;
        List<FieldFormat> own = format == null ? List.of() : format.fields();
        this.fields = own.toArray(new FieldFormat[0]);
        for (int i = 0; i < fields.length; i++) {
            byName.put(fields[i].name(), fields[i]);
            indexByName.put(KString.of(fields[i].name()), i + 1);
        }
        if (format != null) {
            for (FieldFormat f : format.commonFields()) {
                byName.putIfAbsent(f.name(), f);
            }
        }
        this.printFormat = format != null && (style == Style.PRINT_FMT || style == Style.PROBE)
                ? PrintFormat.parse(format.printFormat()) : null;
    }

    /** A uprobe or kprobe created in tracefs; {@code name} is its argname. */
    static EventShape probe(String name, EventFormat format) {
        return new EventShape(name, format, Style.PROBE);
    }

    /** A tracepoint (or any tracefs event) known by its format; {@code name} is its argname. */
    static EventShape of(String name, EventFormat format) {
        Style style = Style.PRINT_FMT;
        if (format.system().equals("syscalls")) {
            if (format.name().startsWith("sys_enter_")) {
                style = Style.SYSCALL_ENTER;
            } else if (format.name().startsWith("sys_exit_")) {
                style = Style.SYSCALL_EXIT;
            }
        }
        return new EventShape(name, format, style);
    }

    /**
     * A perf event or breakpoint named {@code name} (its argname); {@code interrupt}: whether its
     * samples are taken in interrupt context (the clocks' hrtimer, the hardware events' NMI).
     */
    static EventShape counter(String name, boolean interrupt) {
        EventShape s = new EventShape(name, null, Style.COUNTER);
        s.counterInterrupt = interrupt;
        return s;
    }

    private boolean counterInterrupt;

    /** For a {@link Style#COUNTER}: whether its samples come from interrupt context. */
    boolean counterInterrupt() {
        return counterInterrupt;
    }

    /** A timer ({@code tick-N}, {@code profile-N}) named by its spec. */
    static EventShape timer(String spec) {
        return new EventShape(spec, null, Style.TIMER);
    }

    KString name() {
        return name;
    }

    String displayName() {
        return displayName;
    }

    Style style() {
        return style;
    }

    /** The raw-record format, or null for a timer. */
    EventFormat format() {
        return format;
    }

    int fieldCount() {
        return fields.length;
    }

    /** Field {@code i}, 1-based. */
    FieldFormat field(int i) {
        return fields[i - 1];
    }

    /** The 1-based position of the field called {@code fieldName}, or 0. */
    int fieldIndex(KString fieldName) {
        Integer i = indexByName.get(fieldName);
        return i == null ? 0 : i;
    }

    /** The field called {@code fieldName}, common fields included, or null. */
    FieldFormat fieldNamed(String fieldName) {
        return byName.get(fieldName);
    }

    /** The parsed {@code print fmt}, or null when it is empty or beyond the evaluator. */
    PrintFormat printFormat() {
        return printFormat;
    }

    boolean isSyscallEnter() {
        return style == Style.SYSCALL_ENTER;
    }

    @Override
    public String toString() {
        return "EventShape[" + displayName + " " + style + ", " + fields.length + " fields]";
    }
}
