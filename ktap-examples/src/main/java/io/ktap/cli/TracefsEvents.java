package io.ktap.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The host's tracepoint events as tracefs lists them in {@code available_events}
 * ({@code subsystem:event}, one a line), for {@code ktap -le}.
 */
public final class TracefsEvents {

    /** Where tracefs is mounted on current kernels, then where older ones put it under debugfs. */
    public static final List<Path> DEFAULT_MOUNTS = List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));

    private final List<Path> mounts;

    /** Looks for tracefs at {@code mounts}, in order. */
    public TracefsEvents(List<Path> mounts) {
        this.mounts = List.copyOf(mounts);
    }

    /** Looks for tracefs where Linux mounts it. */
    public TracefsEvents() {
        this(DEFAULT_MOUNTS);
    }

    /** The outcome of a listing: the events, or why there are none to be had. */
    public sealed interface Listing {
        /** The matching events, sorted. */
        record Events(List<String> names) implements Listing {
            public Events {
                names = List.copyOf(names);
            }
        }

        /** tracefs could not be read; {@code reason} says why in one line. */
        record Unavailable(String reason) implements Listing {
            public Unavailable {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    /** The events matching {@code glob} (all of them when empty), sorted by name. */
    public Listing list(Optional<Glob> glob) {
        for (Path mount : mounts) {
            Path file = mount.resolve("available_events");
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                continue;
            } catch (AccessDeniedException e) {
                return new Listing.Unavailable("cannot read " + file + ": permission denied (listing events needs root)");
            } catch (IOException e) {
                return new Listing.Unavailable("cannot read " + file + ": " + e.getMessage());
            }
            return new Listing.Events(lines.stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .filter(l -> glob.map(g -> g.matches(l)).orElse(true))
                    .sorted()
                    .distinct()
                    .collect(Collectors.toList()));
        }
        return new Listing.Unavailable("tracefs is not mounted (looked in "
                + mounts.stream().map(Path::toString).collect(Collectors.joining(", "))
                + "); mount it with: mount -t tracefs nodev /sys/kernel/tracing");
    }
}
