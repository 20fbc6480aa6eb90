package io.ktap.host;

import com.sun.jna.LastErrorException;
import io.ktap.host.internal.Errno;
import io.ktap.host.internal.LibC;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The kernel's tracing filesystem: event discovery, event formats, and the dynamic-event control
 * files. {@link #open()} finds it at {@code /sys/kernel/tracing}, mounting it there if needed (as
 * libtracefs does), or under debugfs.
 */
public final class Tracefs {
    /** The standard mount point. */
    public static final Path DEFAULT_ROOT = Path.of("/sys/kernel/tracing");
    private static final Path DEBUGFS_ROOT = Path.of("/sys/kernel/debug/tracing");

    private final Path root;

    private Tracefs(Path root) {
        this.root = root;
    }

    /** A tracefs at a given directory, for tests or unusual mount points; not checked. */
    public static Tracefs at(Path root) {
        return new Tracefs(root);
    }

    /**
     * Finds tracefs: {@code /sys/kernel/tracing} if it holds {@code events}; else mounts tracefs
     * there; else {@code /sys/kernel/debug/tracing}.
     *
     * @throws HostException naming every place tried and why each failed
     */
    public static Tracefs open() throws HostException {
        if (Files.isDirectory(DEFAULT_ROOT.resolve("events"))) {
            return new Tracefs(DEFAULT_ROOT);
        }
        String mountError;
        if (Files.isDirectory(DEFAULT_ROOT)) {
            try {
                LibC.mount("nodev", DEFAULT_ROOT.toString(), "tracefs", 0, 0);
                mountError = null;
            } catch (LastErrorException e) {
                mountError = "mount -t tracefs nodev " + DEFAULT_ROOT + " failed: " + Errno.describe(e.getErrorCode())
                        + (e.getErrorCode() == Errno.EPERM ? " (mounting needs root)" : "");
            }
            if (mountError == null && Files.isDirectory(DEFAULT_ROOT.resolve("events"))) {
                return new Tracefs(DEFAULT_ROOT);
            }
            if (mountError == null) {
                mountError = "tracefs mounted on " + DEFAULT_ROOT + " but it has no events directory";
            }
        } else {
            mountError = DEFAULT_ROOT + " does not exist (kernel without CONFIG_TRACING?)";
        }
        if (Files.isDirectory(DEBUGFS_ROOT.resolve("events"))) {
            return new Tracefs(DEBUGFS_ROOT);
        }
        throw new HostException("tracefs is not available: " + DEFAULT_ROOT + " has no events directory and "
                + mountError + "; " + DEBUGFS_ROOT + " has none either");
    }

    public Path root() {
        return root;
    }

    /** Every event the kernel lists in {@code available_events}, in its order. */
    public List<EventRef> availableEvents() throws HostException {
        List<EventRef> events = new ArrayList<>();
        for (String line : readLines("available_events")) {
            if (!line.isBlank()) {
                events.add(EventRef.parse(line.strip()));
            }
        }
        return events;
    }

    /**
     * The events matching a glob, sorted: {@code system:event} where either part may use
     * {@code *}, {@code ?} and {@code [...]} ({@code syscalls:sys_enter_*}, {@code sched:*},
     * {@code *:*}); a pattern without a colon matches event names in every system. Read fresh from
     * {@code available_events} on every call (dynamic events come and go).
     *
     * @return the matches; empty when none (the caller reports that to the user)
     */
    public List<EventRef> resolve(String glob) throws HostException {
        int colon = glob.indexOf(':');
        Pattern system = colon < 0 ? null : globToRegex(glob.substring(0, colon));
        Pattern event = globToRegex(colon < 0 ? glob : glob.substring(colon + 1));
        List<EventRef> matches = new ArrayList<>();
        for (EventRef e : availableEvents()) {
            if ((system == null || system.matcher(e.system()).matches()) && event.matcher(e.event()).matches()) {
                matches.add(e);
            }
        }
        matches.sort(null);
        return matches;
    }

    /** Translates a shell-style glob ({@code * ? [abc] [!abc] [a-z]}) into an anchored regex. */
    static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int close = glob.indexOf(']', i + 2);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, close);
                        if (set.startsWith("!")) {
                            set = "^" + set.substring(1);
                        }
                        re.append('[').append(set.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                        i = close;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    /** Whether the event exists. */
    public boolean exists(EventRef event) {
        return Files.isRegularFile(eventDir(event).resolve("format"));
    }

    /** The event's id (its {@code id} file). */
    public int eventId(EventRef event) throws HostException {
        String text = read(eventDir(event).resolve("id"), event);
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new HostException("bad id '" + text.strip() + "' for event " + event, e);
        }
    }

    /** The event's parsed {@code format} file. */
    public EventFormat format(EventRef event) throws HostException {
        String text = read(eventDir(event).resolve("format"), event);
        try {
            return FormatParser.parse(event.system(), text);
        } catch (IllegalArgumentException e) {
            throw new HostException("cannot parse the format of " + event + ": " + e.getMessage(), e);
        }
    }

    private Path eventDir(EventRef event) {
        return root.resolve("events").resolve(event.system()).resolve(event.event());
    }

    /** Whether the kernel can create uprobe events (CONFIG_UPROBE_EVENTS). */
    public boolean hasUprobeEvents() {
        return Files.exists(root.resolve("uprobe_events"));
    }

    /** Whether the kernel can create kprobe events (CONFIG_KPROBE_EVENTS). */
    public boolean hasKprobeEvents() {
        return Files.exists(root.resolve("kprobe_events"));
    }

    /** Lines of a control file under the root. */
    List<String> readLines(String file) throws HostException {
        try {
            return Files.readAllLines(root.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new HostException("cannot read " + root.resolve(file) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends one command to a control file ({@code uprobe_events}): opened without truncation
     * (truncating {@code uprobe_events} would delete every uprobe event on the system).
     * On failure the kernel's explanation from {@code error_log}, if any, is in the message.
     */
    void append(String file, String command) throws HostException {
        Path path = root.resolve(file);
        try {
            Files.writeString(path, command + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new HostException("writing '" + command + "' to " + path + " failed: " + e.getMessage()
                    + lastError(), e);
        }
    }

    private String lastError() {
        try {
            List<String> lines = Files.readAllLines(root.resolve("error_log"), StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder();
            // error_log entries are a header line, the command, and a caret line; show the last one.
            int from = Math.max(0, lines.size() - 3);
            for (String line : lines.subList(from, lines.size())) {
                sb.append("\n  ").append(line);
            }
            return sb.length() == 0 ? "" : "; kernel error_log:" + sb;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String read(Path file, EventRef event) throws HostException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new HostException("no such event: " + event);
        } catch (IOException e) {
            throw new HostException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
