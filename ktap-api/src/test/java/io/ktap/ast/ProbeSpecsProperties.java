package io.ktap.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The compiler hands user text to {@link ProbeSpecs#parse} and turns its
 * {@link IllegalArgumentException} into a diagnostic: any other exception would escape as a crash.
 * So on any text, parse either returns a probe whose canonical text parses back to it, or throws
 * exactly an {@code IllegalArgumentException} that names the text.
 */
class ProbeSpecsProperties {

    private static void parseOrReject(String text) {
        Probe p;
        try {
            p = ProbeSpecs.parse(text);
        } catch (IllegalArgumentException e) {
            assertEquals(true, e.getMessage().startsWith("invalid eventdef '"), e.getMessage());
            Statistics.label("outcome").collect("rejected");
            return;
        }
        Statistics.label("outcome").collect(p.getClass().getSimpleName());
        String canonical = ProbeSpecs.format(p);
        assertEquals(p, ProbeSpecs.parse(canonical));
        assertEquals(canonical, ProbeSpecs.format(ProbeSpecs.parse(canonical)));
    }

    @Property(tries = 3000)
    void anyTextParsesOrIsRejectedWithAReason(@ForAll("eventdefLike") String text) {
        parseOrReject(text);
    }

    @Property(tries = 1000)
    void arbitraryUnicodeNeverCrashes(@ForAll String text) {
        parseOrReject(text);
    }

    @Property(tries = 3000)
    void mutatedValidTextParsesOrIsRejectedWithAReason(@ForAll("mutatedValid") String text) {
        parseOrReject(text);
    }

    /** The canonical text of a random valid probe with one piece inserted, deleted or replaced. */
    @Provide
    Arbitrary<String> mutatedValid() {
        Arbitrary<String> valid = io.ktap.ast.arbitrary.AstArbitraries.probes().map(ProbeSpecs::format);
        return net.jqwik.api.Combinators.combine(valid, Arbitraries.integers().between(0, 1000),
                        Arbitraries.integers().between(0, 3), eventdefLike())
                .as((text, at, len, insert) -> {
                    int from = Math.min(at, text.length());
                    int to = Math.min(from + len, text.length());
                    return text.substring(0, from) + insert + text.substring(to);
                });
    }

    /** Text made of the pieces EVENTDEFs are made of, so that many are valid or nearly so. */
    @Provide
    Arbitrary<String> eventdefLike() {
        Arbitrary<String> piece = Arbitraries.of("probe:", "sdt:", "ftrace:", "tp:", "tick-", "profile-",
                "syscalls", "sys_enter_*", "sched", ":", "*", "?", "/lib/libc.so.6", ":", "malloc",
                "do_sys_open", "+", "0x10", "16", "%return", " ", "  ", "\t", "=", "x", "dfd", "%di", "%",
                "$stack", "$stack3", "$retval", "$arg1", "$arg0", "$comm", "@", "jiffies", "(", ")", "+4(",
                "-8(", "+u0(", ":u32", ":string", ":ustring", ":x8[4]", "[", "]", ":b4@2/8", "/", "b",
                "1", "0", "ms", "msec", "us", "s", "sec", "9999999999999999999", "-", ",", "function", "\u00e9");
        return piece.list().ofMaxSize(12).map(pieces -> String.join("", pieces));
    }
}
