package io.ktap.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The table against {@link LinkedHashMap}, the model of an insertion-ordered map. */
class KTableTest {

    private static Object[] ref(Object key) {
        Object[] r = new Object[1];
        long[] n = new long[1];
        Values.fromJava(key, r, n, 0);
        return new Object[] {r[0], n[0]};
    }

    private static void set(KTable t, Object key, Object value) {
        Object[] k = ref(key);
        Object[] v = ref(value);
        t.set(k[0], (Long) k[1], v[0], (Long) v[1]);
    }

    private static List<Object> keys(KTable t) {
        List<Object> keys = new ArrayList<>();
        for (int p = t.nextPosition(0); p >= 0; p = t.nextPosition(p + 1)) {
            keys.add(Values.toJava(t.keyRefAt(p), t.keyNumAt(p)));
        }
        return keys;
    }

    @Test
    void keepsInsertionOrderAndMovesReinsertedKeysToTheEnd() {
        KTable t = new KTable();
        set(t, "a", 1L);
        set(t, 2L, 2L);
        set(t, true, 3L);
        set(t, "a", 4L);
        assertEquals(List.of("a", 2L, true), keys(t));
        set(t, "a", null);
        set(t, "a", 5L);
        assertEquals(List.of(2L, true, "a"), keys(t));
        assertEquals(5L, t.get("a"));
        assertEquals(3, t.size());
    }

    @Test
    void aNilKeyIsAnErrorToWriteAndNilToRead() {
        KTable t = new KTable();
        assertThrows(KtapError.class, () -> t.set(null, 0, Values.INT, 1));
        assertNull(t.getRef(null, 0));
    }

    @Test
    void addCountsFromZeroAndRefusesNonNumbers() {
        KTable t = new KTable();
        Object[] k = ref("k");
        t.add(k[0], 0, 5);
        t.add(k[0], 0, -2);
        assertEquals(3L, t.get("k"));
        set(t, "s", "str");
        Object[] s = ref("s");
        assertEquals("attempt to perform arithmetic on a string value",
                assertThrows(KtapError.class, () -> t.add(s[0], 0, 1)).getMessage());
    }

    @Provide
    Arbitrary<List<Object[]>> operations() {
        Arbitrary<Object> keys = Arbitraries.oneOf(Arbitraries.longs().between(-5, 40).map(x -> (Object) x),
                Arbitraries.strings().withChars("abc").ofMaxLength(3).map(x -> (Object) x),
                Arbitraries.of(true, false).map(x -> (Object) x));
        Arbitrary<Object> values = Arbitraries.oneOf(Arbitraries.longs().map(x -> (Object) x),
                Arbitraries.just(null));
        return Arbitraries.entries(keys, values).map(e -> new Object[] {e.getKey(), e.getValue()}).list().ofMaxSize(300);
    }

    @Property(tries = 300)
    void behavesLikeAnInsertionOrderedMap(@ForAll("operations") List<Object[]> ops) {
        KTable t = new KTable();
        Map<Object, Object> model = new LinkedHashMap<>();
        for (Object[] op : ops) {
            set(t, op[0], op[1]);
            if (op[1] == null) {
                model.remove(op[0]);
            } else if (model.containsKey(op[0])) {
                model.put(op[0], op[1]);
            } else {
                model.put(op[0], op[1]);
            }
            assertEquals(model.size(), t.size());
        }
        assertEquals(model, t.toJava());
        assertEquals(new ArrayList<>(model.keySet()), keys(t));
    }
}
