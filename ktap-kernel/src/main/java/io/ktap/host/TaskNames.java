package io.ktap.host;

import io.ktap.vm.KString;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Command names and user ids of tasks, for {@code execname} and {@code uid}. A perf sample carries
 * neither: names come from the rings' PERF_RECORD_COMM (every exec and rename on a traced CPU, in
 * order with the samples) and otherwise from {@code /proc/TID/comm}; a task that exited before
 * its name was ever seen prints as {@code <...>}, as the kernel's own {@code trace} file shows an
 * unknown task. Not thread-safe: owned by the consumer thread.
 */
final class TaskNames {

    /** What the kernel's trace output prints for a task whose name it does not know. */
    static final KString UNKNOWN = KString.of("<...>");

    private static final int MAX_ENTRIES = 1 << 16;

    private final Path proc;
    private final Map<Integer, KString> comms = new HashMap<>();
    private final Map<Integer, Integer> uids = new HashMap<>();

    TaskNames(Path proc) {
        this.proc = proc;
    }

    /** A task was named {@code comm} (exec or prctl), as a PERF_RECORD_COMM reports. */
    void named(int tid, String comm) {
        if (comms.size() >= MAX_ENTRIES) {
            comms.clear();
        }
        comms.put(tid, KString.of(comm));
    }

    /** The command name of thread {@code tid} of process {@code pid}. */
    KString comm(int pid, int tid) {
        KString c = comms.get(tid);
        if (c != null) {
            return c;
        }
        c = readComm(pid, tid);
        if (c == null) {
            return UNKNOWN;  // not cached: the task may yet be named by a record in another ring
        }
        if (comms.size() >= MAX_ENTRIES) {
            comms.clear();
        }
        comms.put(tid, c);
        return c;
    }

    private KString readComm(int pid, int tid) {
        if (tid <= 0) {
            return tid == 0 ? KString.of("<idle>") : null;
        }
        try {
            String text = Files.readString(proc.resolve(pid + "/task/" + tid + "/comm"), StandardCharsets.UTF_8);
            return KString.of(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
        } catch (IOException e) {
            return null;
        }
    }

    /** The real user id of process {@code pid}, or -1 when the process is gone. */
    int uid(int pid) {
        Integer u = uids.get(pid);
        if (u != null) {
            return u;
        }
        int v = readUid(pid);
        if (v >= 0) {
            if (uids.size() >= MAX_ENTRIES) {
                uids.clear();
            }
            uids.put(pid, v);
        }
        return v;
    }

    private int readUid(int pid) {
        if (pid == 0) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(proc.resolve(pid + "/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).strip().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
