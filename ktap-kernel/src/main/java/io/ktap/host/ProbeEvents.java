package io.ktap.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dynamic probe events (uprobes, uretprobes, kprobes, kretprobes) this process creates in tracefs,
 * all under one group owned by the process: {@code ktap_<pid>_<starttime>}, where starttime is the
 * process's start time in clock ticks ({@code /proc/PID/stat} field 22), so that a recycled pid is
 * never mistaken for the owner. Every event created is removed by {@link #removeAll()}; groups
 * left behind by a process that died without cleaning up are removed by {@link #removeStale}.
 *
 * <p>Thread-safe.
 */
public final class ProbeEvents {
    static final String UPROBE_EVENTS = "uprobe_events";
    static final String KPROBE_EVENTS = "kprobe_events";
    private static final Pattern GROUP = Pattern.compile("ktap_(\\d+)_(\\d+)");
    private static final Pattern DEFINITION = Pattern.compile("^[pr](?:\\d*):([^/\\s]+)/(\\S+)\\s");
    private static final int MAX_NAME = 63;

    private final Tracefs tracefs;
    private final String group;
    /** event name → control file, in creation order. */
    private final Map<String, String> created = new LinkedHashMap<>();
    private int serial;

    ProbeEvents(Tracefs tracefs, String group) {
        this.tracefs = tracefs;
        this.group = group;
    }

    /** The events of this process, in a group named after it. */
    public static ProbeEvents forCurrentProcess(Tracefs tracefs) throws HostException {
        long pid = ProcessHandle.current().pid();
        return new ProbeEvents(tracefs, groupName(pid, startTime(pid)));
    }

    static String groupName(long pid, long startTime) {
        return "ktap_" + pid + "_" + startTime;
    }

    public String group() {
        return group;
    }

    /**
     * Creates a uprobe ({@code p:}) or uretprobe ({@code r:}) at a file offset of a binary.
     *
     * @param nameHint  used to name the event (sanitized, made unique)
     * @param fetchArgs fetch arguments as uprobe_events takes them ({@code ret=$retval:s32}, {@code x=%di})
     * @return the created event and its definition line
     */
    public synchronized Created createUprobe(boolean ret, Path binary, long fileOffset, String nameHint,
                                             List<String> fetchArgs) throws HostException {
        return createUprobe(ret, binary, fileOffset, 0, nameHint, fetchArgs);
    }

    /**
     * Creates a uprobe with a reference counter ({@code path:0xOFF(0xREF)}): the kernel increments
     * the 16-bit semaphore at file offset {@code refCtrOffset} while the probe is attached, as SDT
     * markers with a semaphore expect. {@code refCtrOffset} 0 means none.
     */
    public synchronized Created createUprobe(boolean ret, Path binary, long fileOffset, long refCtrOffset,
                                             String nameHint, List<String> fetchArgs) throws HostException {
        if (!tracefs.hasUprobeEvents()) {
            throw new HostException("this kernel cannot create uprobes: " + tracefs.root().resolve(UPROBE_EVENTS)
                    + " does not exist (CONFIG_UPROBE_EVENTS is off)");
        }
        String name = uniqueName((ret ? "r_" : "p_") + nameHint);
        String place = binary + ":0x" + Long.toHexString(fileOffset)
                + (refCtrOffset != 0 ? "(0x" + Long.toHexString(refCtrOffset) + ")" : "");
        return create(UPROBE_EVENTS, (ret ? "r:" : "p:") + group + "/" + name + " " + place, name, fetchArgs);
    }

    /**
     * Creates a kprobe ({@code p:}) or kretprobe ({@code r:}) on a kernel symbol (+offset).
     */
    public synchronized Created createKprobe(boolean ret, String symbol, long offset, String nameHint,
                                             List<String> fetchArgs) throws HostException {
        if (!tracefs.hasKprobeEvents()) {
            throw new HostException("this kernel cannot create kprobes: " + tracefs.root().resolve(KPROBE_EVENTS)
                    + " does not exist (the kernel is built without CONFIG_KPROBE_EVENTS)");
        }
        String name = uniqueName((ret ? "r_" : "p_") + nameHint);
        String place = offset == 0 ? symbol : symbol + "+" + offset;
        return create(KPROBE_EVENTS, (ret ? "r:" : "p:") + group + "/" + name + " " + place, name, fetchArgs);
    }

    private Created create(String file, String head, String name, List<String> fetchArgs) throws HostException {
        StringBuilder line = new StringBuilder(head);
        for (String arg : fetchArgs) {
            if (arg.isBlank() || arg.contains("\n")) {
                throw new HostException("bad fetch argument '" + arg + "'");
            }
            line.append(' ').append(arg.strip());
        }
        String definition = line.toString();
        tracefs.append(file, definition);
        created.put(name, file);
        return new Created(new EventRef(group, name), definition);
    }

    /**
     * A probe event created in tracefs.
     *
     * @param event      its name, usable like any tracepoint
     * @param definition the line written to the control file
     */
    public record Created(EventRef event, String definition) {
    }

    private String uniqueName(String hint) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hint.length(); i++) {
            char c = hint.charAt(i);
            sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
        }
        String suffix = "_" + serial++;
        int keep = Math.min(sb.length(), MAX_NAME - suffix.length());
        return sb.substring(0, keep) + suffix;
    }

    /**
     * Removes one event this object created (no perf event may be open on it any more).
     */
    public synchronized void remove(EventRef event) throws HostException {
        String file = created.get(event.event());
        if (file == null || !event.system().equals(group)) {
            throw new IllegalArgumentException(event + " was not created by this object");
        }
        tracefs.append(file, "-:" + group + "/" + event.event());
        created.remove(event.event());
    }

    /**
     * Removes every event this object created. Tries them all; failures (an event still in use)
     * are returned as messages.
     */
    public synchronized List<String> removeAll() {
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> e : List.copyOf(created.entrySet())) {
            try {
                tracefs.append(e.getValue(), "-:" + group + "/" + e.getKey());
                created.remove(e.getKey());
            } catch (HostException ex) {
                failures.add(ex.getMessage());
            }
        }
        return failures;
    }

    /** Names of the events created and not yet removed. */
    public synchronized List<String> live() {
        return List.copyOf(created.keySet());
    }

    /**
     * Removes the probe events of {@code ktap_<pid>_<starttime>} groups whose process is gone (no
     * such pid, or a pid since reused by a process started at another time).
     *
     * @return what was removed ({@code group/event}) and what could not be (with the reason)
     */
    public static StaleCleanup removeStale(Tracefs tracefs) {
        List<String> removed = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String file : List.of(UPROBE_EVENTS, KPROBE_EVENTS)) {
            if (!Files.exists(tracefs.root().resolve(file))) {
                continue;
            }
            List<String> lines;
            try {
                lines = tracefs.readLines(file);
            } catch (HostException e) {
                failed.add(e.getMessage());
                continue;
            }
            for (String line : lines) {
                Matcher def = DEFINITION.matcher(line);
                if (!def.find()) {
                    continue;
                }
                String grp = def.group(1);
                Matcher g = GROUP.matcher(grp);
                if (!g.matches() || isAlive(Long.parseLong(g.group(1)), Long.parseLong(g.group(2)))) {
                    continue;
                }
                String event = grp + "/" + def.group(2);
                try {
                    tracefs.append(file, "-:" + event);
                    removed.add(event);
                } catch (HostException e) {
                    failed.add(e.getMessage());
                }
            }
        }
        return new StaleCleanup(removed, failed);
    }

    /**
     * The outcome of {@link #removeStale}.
     *
     * @param removed events removed, as {@code group/event}
     * @param failed  why some could not be removed
     */
    public record StaleCleanup(List<String> removed, List<String> failed) {
        public StaleCleanup {
            removed = List.copyOf(removed);
            failed = List.copyOf(failed);
        }
    }

    static boolean isAlive(long pid, long startTime) {
        try {
            return startTime(pid) == startTime;
        } catch (HostException e) {
            return false;
        }
    }

    /** Field 22 of /proc/PID/stat: the process's start time in clock ticks after boot. */
    static long startTime(long pid) throws HostException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        String text;
        try {
            text = Files.readString(stat);
        } catch (IOException e) {
            throw new HostException("no process " + pid + " (" + stat + ": " + e.getMessage() + ")", e);
        }
        // comm (field 2) is parenthesised and may contain spaces and parentheses: skip to the last ')'.
        String[] rest = text.substring(text.lastIndexOf(')') + 2).split(" ");
        // rest[0] is field 3 (state), so field 22 is rest[19].
        return Long.parseLong(rest[19]);
    }
}
