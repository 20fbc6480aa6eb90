package io.ktap.sim;

import java.util.Arrays;
import java.util.Objects;

/**
 * A simulated task: the process and thread ids, the user, the command name, and an image of its
 * {@code task_struct} for {@code curr_task_info}. Immutable.
 */
public final class SimTask {

    /** Bytes in the simulated {@code task_struct} image. */
    public static final int TASK_STRUCT_SIZE = 8192;

    private final int pid;
    private final int tid;
    private final int uid;
    private final String comm;
    private final byte[] taskStruct;

    private SimTask(int pid, int tid, int uid, String comm, byte[] taskStruct) {
        if (pid < 0 || tid < 0 || uid < 0) {
            throw new IllegalArgumentException("pid, tid and uid are not negative: " + pid + ", " + tid + ", " + uid);
        }
        Objects.requireNonNull(comm, "comm");
        if (comm.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 15) {
            throw new IllegalArgumentException("comm is at most 15 bytes (TASK_COMM_LEN - 1): '" + comm + "'");
        }
        this.pid = pid;
        this.tid = tid;
        this.uid = uid;
        this.comm = comm;
        this.taskStruct = taskStruct;
    }

    /** A single-threaded process ({@code tid == pid}) of user 0. */
    public static SimTask of(int pid, String comm) {
        return new SimTask(pid, pid, 0, comm, new byte[TASK_STRUCT_SIZE]);
    }

    /** This task's thread {@code tid} (same process, user and command). */
    public SimTask thread(int newTid) {
        return new SimTask(pid, newTid, uid, comm, taskStruct);
    }

    public SimTask uid(int newUid) {
        return new SimTask(pid, tid, newUid, comm, taskStruct);
    }

    public SimTask comm(String newComm) {
        return new SimTask(pid, tid, uid, newComm, taskStruct);
    }

    /** A copy whose {@code task_struct} holds {@code value} in {@code bytes} bytes (little-endian) at {@code offset}. */
    public SimTask taskField(int offset, int bytes, long value) {
        if (offset < 0 || bytes < 1 || bytes > 8 || offset + bytes > TASK_STRUCT_SIZE) {
            throw new IllegalArgumentException("task_struct field out of range: offset " + offset + ", " + bytes + " bytes");
        }
        byte[] copy = taskStruct.clone();
        for (int i = 0; i < bytes; i++) {
            copy[offset + i] = (byte) (value >>> (8 * i));
        }
        return new SimTask(pid, tid, uid, comm, copy);
    }

    /** {@code bytes} of the {@code task_struct} at {@code offset}, unsigned, or null when out of range. */
    public Long readTaskField(long offset, int bytes) {
        if (offset < 0 || offset + bytes > TASK_STRUCT_SIZE) {
            return null;
        }
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = v << 8 | (taskStruct[(int) offset + i] & 0xff);
        }
        return v;
    }

    public int pid() {
        return pid;
    }

    public int tid() {
        return tid;
    }

    public int uid() {
        return uid;
    }

    public String comm() {
        return comm;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SimTask t && t.pid == pid && t.tid == tid && t.uid == uid && t.comm.equals(comm)
                && Arrays.equals(t.taskStruct, taskStruct);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pid, tid, uid, comm);
    }

    @Override
    public String toString() {
        return comm + "-" + tid + (tid != pid ? " (pid " + pid + ")" : "") + " uid " + uid;
    }
}
