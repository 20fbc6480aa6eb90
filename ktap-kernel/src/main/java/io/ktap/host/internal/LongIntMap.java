package io.ktap.host.internal;

import java.util.Arrays;

/**
 * An open-addressing map from long keys to non-negative int values with no boxing, for the
 * per-sample lookup of a perf event id. Grows by doubling; not thread-safe.
 */
public final class LongIntMap {
    private long[] keys = new long[16];
    private int[] values = new int[16];
    private int size;

    public LongIntMap() {
        Arrays.fill(values, -1);
    }

    /** The value for {@code key}, or -1. */
    public int get(long key) {
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            int v = values[i];
            if (v < 0) {
                return -1;
            }
            if (keys[i] == key) {
                return v;
            }
        }
    }

    public void put(long key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("values must be non-negative");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(keys, values, key, value);
    }

    public int size() {
        return size;
    }

    private void insert(long[] ks, int[] vs, long key, int value) {
        int mask = ks.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (vs[i] < 0) {
                ks[i] = key;
                vs[i] = value;
                if (ks == keys) {
                    size++;
                }
                return;
            }
            if (ks[i] == key) {
                vs[i] = value;
                return;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldValues.length * 2];
        Arrays.fill(values, -1);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] >= 0) {
                insert(keys, values, oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
