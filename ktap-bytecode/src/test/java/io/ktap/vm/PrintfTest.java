package io.ktap.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** printf's conversions, flags, widths and precisions, against what C's printf prints for 64-bit values. */
class PrintfTest {

    private static String format(String fmt, Object... args) {
        Object[] refs = new Object[args.length];
        long[] nums = new long[args.length];
        for (int i = 0; i < args.length; i++) {
            Values.fromJava(args[i], refs, nums, i);
        }
        return new String(Printf.format("printf", KString.of(fmt), refs, nums, 0, args.length), StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0} of {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            %d       | 42                   | 42
            %i       | -42                  | -42
            %5d      | 42                   | `   42`
            `%-5d|`  | 42                   | `42   |`
            %05d     | -42                  | -0042
            %+d      | 42                   | +42
            `% d`    | 42                   | ` 42`
            %.4d     | 42                   | 0042
            %08.4d   | 42                   | `    0042`
            %.0d     | 0                    | ``
            %d       | -9223372036854775808 | -9223372036854775808
            %u       | -1                   | 18446744073709551615
            %x       | 255                  | ff
            %X       | 255                  | FF
            %#x      | 255                  | 0xff
            %#X      | 255                  | 0XFF
            %#x      | 0                    | 0
            %#010x   | 255                  | 0x000000ff
            %x       | -1                   | ffffffffffffffff
            %o       | 8                    | 10
            %#o      | 8                    | 010
            %#o      | 0                    | 0
            %lx      | 4096                 | 1000
            %lld     | 7                    | 7
            %hhu     | 7                    | 7
            %zu      | 7                    | 7
            %p       | 4096                 | 0x1000
            %c       | 65                   | A
            %3c      | 65                   | `  A`
            """)
    void integers(String fmt, long value, String expected) {
        assertEquals(expected, format(fmt, value));
    }

    @Test
    void strings() {
        assertEquals("abc|  abc|abc  |ab|   ab", format("%s|%5s|%-5s|%.2s|%5.2s", "abc", "abc", "abc", "abc", "abc"));
        assertEquals("1 true nil", format("%s %s %s", 1L, true, null));
        assertEquals("100%", format("%d%%", 100L));
        assertEquals("[   7]", format("[%*d]", 4L, 7L));
        assertEquals("[7   ]", format("[%*d]", -4L, 7L));
        assertEquals("[ab]", format("[%.*s]", 2L, "abcdef"));
    }

    @Test
    void bytesPassThrough() {
        assertEquals("h\u00e9llo", format("h%sllo", "\u00e9"));
    }

    @Test
    void errors() {
        assertEquals("bad argument #2 to 'printf' (no value)",
                assertThrows(KtapError.class, () -> format("%d")).getMessage());
        assertEquals("bad argument #3 to 'printf' (number expected, got string)",
                assertThrows(KtapError.class, () -> format("%d %x", 1L, "x")).getMessage());
        assertEquals("invalid conversion '%y' to 'printf'",
                assertThrows(KtapError.class, () -> format("%y", 1L)).getMessage());
        assertEquals("invalid conversion '%5\\n' to 'printf'",
                assertThrows(KtapError.class, () -> format("%5\n", 1L)).getMessage());
        assertEquals("invalid conversion '%' to 'printf'",
                assertThrows(KtapError.class, () -> format("50%")).getMessage());
        assertEquals("invalid format to 'printf' (width too large)",
                assertThrows(KtapError.class, () -> format("%99999999d", 1L)).getMessage());
    }
}
