package io.ktap.vm;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A ktap table: an insertion-ordered hash table whose keys and values are (ref, num) pairs (see
 * {@link Values}), so integer keys and values never box.
 *
 * <p>Layout (a "compact dict"): the entries live in parallel arrays in the order their keys were
 * first inserted; a separate open-addressing index maps a key's hash to its entry. Iteration walks
 * the entries, so {@code pairs} visits keys in insertion order on every VM, and a removed key
 * inserted again moves to the end. Removing a key marks its entry dead; dead entries are reclaimed
 * when the entry arrays fill up.
 *
 * <p>Keys are any non-nil value: numbers and strings by value, booleans, tables, functions and
 * events by identity. Assigning nil removes a key. Every entry added or removed is reported to the
 * table's {@link Heap}, which enforces the quota on entries of all live tables together.
 *
 * <p>Iteration uses positions ({@link #nextPosition(long)}): removing keys while iterating is safe;
 * adding keys while iterating may visit keys twice or not at all, but is never unsafe.
 */
public final class KTable {

    private static final int EMPTY = -1;
    private static final int DELETED = -2;
    private static final int MIN_ENTRIES = 4;

    private final Heap heap;
    private final int id;

    private Object[] kref;
    private long[] knum;
    private Object[] vref;
    private long[] vnum;
    private int[] khash;
    /** Entries used, live or dead. */
    private int used;
    /** Live entries. */
    private int live;

    /** Index: EMPTY, DELETED, or an entry number. Length a power of two, at least twice the entry capacity. */
    private int[] index;

    /** A table outside any VM: no quota. */
    public KTable() {
        this(Heap.UNLIMITED, 0, 0);
    }

    /**
     * @param heap accounts for the entries
     * @param id   a number shown when the table is printed ({@code table: 0x...})
     * @param hint entries to make room for before the table grows (capped; a hint reserves no quota)
     */
    KTable(Heap heap, int id, int hint) {
        this.heap = heap;
        this.id = id;
        int cap = MIN_ENTRIES;
        int want = Math.min(Math.max(hint, 0), 1 << 16);
        while (cap < want) {
            cap <<= 1;
        }
        allocate(cap);
    }

    private void allocate(int cap) {
        kref = new Object[cap];
        knum = new long[cap];
        vref = new Object[cap];
        vnum = new long[cap];
        khash = new int[cap];
        index = new int[cap * 2];
        Arrays.fill(index, EMPTY);
    }

    /** The number of live entries: what {@code len(t)} returns. */
    public int size() {
        return live;
    }

    // ---- keys ------------------------------------------------------------------------------

    private static int hash(Object kr, long kn) {
        int h;
        if (kr == Values.INT) {
            long x = kn * 0x9E3779B97F4A7C15L;
            h = (int) (x ^ (x >>> 29));
        } else if (kr instanceof KString s) {
            h = s.hashCode();
        } else if (kr == Boolean.TRUE) {
            h = 0x1b873593;
        } else if (kr == Boolean.FALSE) {
            h = 0x5bd1e995;
        } else {
            h = System.identityHashCode(kr);
        }
        return h ^ (h >>> 16);
    }

    /** The entry holding {@code key}, or -1. */
    private int find(Object kr, long kn) {
        int h = hash(kr, kn);
        int[] idx = index;
        int mask = idx.length - 1;
        int i = h & mask;
        if (kr == Values.INT) {
            while (true) {
                int e = idx[i];
                if (e == EMPTY) {
                    return -1;
                }
                if (e >= 0 && kref[e] == Values.INT && knum[e] == kn) {
                    return e;
                }
                i = (i + 1) & mask;
            }
        }
        if (kr instanceof KString) {
            while (true) {
                int e = idx[i];
                if (e == EMPTY) {
                    return -1;
                }
                if (e >= 0 && khash[e] == h && (kref[e] == kr || kr.equals(kref[e]))) {
                    return e;
                }
                i = (i + 1) & mask;
            }
        }
        while (true) {
            int e = idx[i];
            if (e == EMPTY) {
                return -1;
            }
            if (e >= 0 && kref[e] == kr) {
                return e;
            }
            i = (i + 1) & mask;
        }
    }

    // ---- get -------------------------------------------------------------------------------

    /** Stores {@code t[key]} (nil when absent, and for a nil key) in {@code outRef[o]}/{@code outNum[o]}. */
    public void get(Object kr, long kn, Object[] outRef, long[] outNum, int o) {
        int e = kr == null ? -1 : find(kr, kn);
        Object v = e < 0 ? null : vref[e];
        if (outRef[o] != v) {
            outRef[o] = v;
        }
        if (e >= 0) {
            outNum[o] = vnum[e];
        }
    }

    /** The ref half of {@code t[key]} (null when absent). */
    public Object getRef(Object kr, long kn) {
        int e = kr == null ? -1 : find(kr, kn);
        return e < 0 ? null : vref[e];
    }

    /** The num half of {@code t[key]}; meaningful only when {@link #getRef} is {@link Values#INT}. */
    public long getNum(Object kr, long kn) {
        int e = kr == null ? -1 : find(kr, kn);
        return e < 0 ? 0 : vnum[e];
    }

    // ---- set -------------------------------------------------------------------------------

    /** {@code t[key] = value}; a nil value removes the key. */
    public void set(Object kr, long kn, Object vr, long vn) {
        if (kr == null) {
            throw new KtapError("table index is nil");
        }
        int e = find(kr, kn);
        if (e >= 0) {
            if (vr == null) {
                remove(e, kr, kn);
            } else {
                vref[e] = vr;
                vnum[e] = vn;
            }
        } else if (vr != null) {
            insert(kr, kn, vr, vn);
        }
    }

    /**
     * {@code t[key] = (t[key] or 0) + n}: the counting form of {@code t[k] += n}.
     *
     * @throws KtapError when the slot holds a non-number
     */
    public void add(Object kr, long kn, long n) {
        if (kr == null) {
            throw new KtapError("table index is nil");
        }
        int e = find(kr, kn);
        if (e >= 0) {
            Object old = vref[e];
            if (old != Values.INT) {
                throw new KtapError("attempt to perform arithmetic on a " + Values.typeName(old) + " value");
            }
            vnum[e] += n;
        } else {
            insert(kr, kn, Values.INT, n);
        }
    }

    private void remove(int e, Object kr, long kn) {
        int h = khash[e];
        int mask = index.length - 1;
        int i = h & mask;
        while (index[i] != e) {
            i = (i + 1) & mask;
        }
        index[i] = DELETED;
        kref[e] = null;
        vref[e] = null;
        live--;
        heap.entriesRemoved(1);
    }

    private void insert(Object kr, long kn, Object vr, long vn) {
        heap.entryAdded();
        if (used == kref.length) {
            resize();
        }
        int h = hash(kr, kn);
        int e = used++;
        kref[e] = kr;
        knum[e] = kn;
        vref[e] = vr;
        vnum[e] = vn;
        khash[e] = h;
        live++;
        int mask = index.length - 1;
        int i = h & mask;
        while (index[i] >= 0) {
            i = (i + 1) & mask;
        }
        index[i] = e;
    }

    /** Makes room for one more entry: compacts away dead entries, growing when few are dead. */
    private void resize() {
        Object[] ok = kref;
        long[] on = knum;
        Object[] ov = vref;
        long[] ovn = vnum;
        int[] oh = khash;
        int n = used;
        int cap = ok.length;
        if (live * 2 >= cap) {
            cap *= 2;
        }
        allocate(cap);
        used = 0;
        int mask = index.length - 1;
        for (int e = 0; e < n; e++) {
            if (ov[e] != null) {
                int d = used++;
                kref[d] = ok[e];
                knum[d] = on[e];
                vref[d] = ov[e];
                vnum[d] = ovn[e];
                khash[d] = oh[e];
                int i = oh[e] & mask;
                while (index[i] >= 0) {
                    i = (i + 1) & mask;
                }
                index[i] = d;
            }
        }
    }

    /** Removes every entry ({@code delete(t)}). */
    public void clear() {
        heap.entriesRemoved(live);
        allocate(MIN_ENTRIES);
        used = 0;
        live = 0;
    }

    // ---- iteration -------------------------------------------------------------------------

    /**
     * The position of the first live entry at or after {@code cursor}, or -1 when there is none (a
     * cursor out of range included). Iteration: {@code for (p = nextPosition(0); p >= 0; p =
     * nextPosition(p + 1))}.
     */
    public int nextPosition(long cursor) {
        if (cursor < 0 || cursor >= used) {
            return -1;
        }
        for (int e = (int) cursor; e < used; e++) {
            if (vref[e] != null) {
                return e;
            }
        }
        return -1;
    }

    public Object keyRefAt(int pos) {
        return kref[pos];
    }

    public long keyNumAt(int pos) {
        return knum[pos];
    }

    public Object valueRefAt(int pos) {
        return vref[pos];
    }

    public long valueNumAt(int pos) {
        return vnum[pos];
    }

    // ---- Java view -------------------------------------------------------------------------

    /** {@code t[key]} for a Java key ({@link Long}, {@link Integer}, {@link String}, {@link Boolean}), as a Java value. */
    public Object get(Object key) {
        Object[] r = new Object[1];
        long[] n = new long[1];
        Values.fromJava(key, r, n, 0);
        return Values.toJava(getRef(r[0], n[0]), getNum(r[0], n[0]));
    }

    /** The entries as Java values (see {@link Values#toJava}), in iteration order. */
    public Map<Object, Object> toJava() {
        return toJava(new IdentityHashMap<>());
    }

    Map<Object, Object> toJava(IdentityHashMap<KTable, Map<Object, Object>> seen) {
        Map<Object, Object> done = seen.get(this);
        if (done != null) {
            return done;
        }
        Map<Object, Object> m = new LinkedHashMap<>();
        seen.put(this, m);
        for (int p = nextPosition(0); p >= 0; p = nextPosition(p + 1)) {
            m.put(javaOf(kref[p], knum[p], seen), javaOf(vref[p], vnum[p], seen));
        }
        return m;
    }

    private static Object javaOf(Object ref, long num, IdentityHashMap<KTable, Map<Object, Object>> seen) {
        return ref instanceof KTable t ? t.toJava(seen) : Values.toJava(ref, num);
    }

    /** {@code table: 0x...} with a number unique in its VM. */
    @Override
    public String toString() {
        return String.format("table: 0x%08x", id);
    }
}
