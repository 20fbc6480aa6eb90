package io.ktap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CommandLineParserProperties {

    /** Any command line, however wrong, parses into an invocation or a usage error: never an exception. */
    @Property(tries = 2000)
    void neverThrows(@ForAll("commandLines") List<String> args) {
        assertNotNull(CommandLineParser.parse(args));
    }

    /** The script's arguments reach it exactly as given, whatever they look like. */
    @Property(tries = 500)
    void scriptArgumentsPassThroughUntouched(@ForAll("scriptArgs") List<String> args) {
        String[] line = new String[args.size() + 1];
        line[0] = "s.kp";
        for (int i = 0; i < args.size(); i++) {
            line[i + 1] = args.get(i);
        }
        Invocation i = CommandLineParser.parse(line);
        assertEquals(args, ((Invocation.Run) i).options().scriptArgs());
    }

    @Provide
    Arbitrary<List<String>> commandLines() {
        Arbitrary<String> token = Arbitraries.oneOf(
                Arbitraries.of("-o", "-p", "-C", "-T", "-q", "-v", "-d", "-b", "-le", "-V", "-e", "-h", "--help",
                        "--backend", "--backend=sim", "--backend=", "-f", "--format=json", "--max-instructions",
                        "--max-call-depth=0", "--max-string-bytes", "--max-table-entries", "--", "-", "s.kp", ""),
                Arbitraries.strings().ofMaxLength(8),
                Arbitraries.longs().map(String::valueOf));
        return token.list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<String>> scriptArgs() {
        return Arbitraries.oneOf(
                        Arbitraries.of("-v", "-h", "-e", "-le", "--backend", "1", "-1", "x"),
                        Arbitraries.strings().ofMaxLength(6).filter(s -> !s.equals("--")))
                .list().ofMaxSize(8);
    }
}
