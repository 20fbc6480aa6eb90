package io.ktap.cli;

import static io.ktap.api.Ktap.argname;
import static io.ktap.api.Ktap.execname;
import static io.ktap.api.Ktap.index;
import static io.ktap.api.Ktap.name;
import static io.ktap.api.Ktap.program;
import static io.ktap.api.Ktap.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.api.Probes;
import io.ktap.sim.SimKernel;
import io.ktap.sim.SimSession;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceProgram;
import io.ktap.ast.Program;
import io.ktap.compiler.CompileResult;
import io.ktap.compiler.KtapCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the README and the user guide show is true: their scripts compile, their programs agree. */
class DocumentedExamplesTest {

    private static final String HISTOGRAM_SCRIPT = """
            var s = {}

            trace syscalls:sys_enter_* {
            	s[argname] += 1
            }

            trace_end {
            	histogram(s)
            }
            """;

    @Test
    void theFluentProgramOfTheReadmeEqualsItsScript() {
        Program fluent = program()
                .var("s", table())
                .trace("syscalls:sys_enter_*", h -> h.add(index(name("s"), argname()), 1))
                .traceEnd(h -> h.histogram(name("s")))
                .build();
        CompileResult parsed = KtapCompiler.compile("readme.kp", HISTOGRAM_SCRIPT);
        assertEquals(parsed.programOrThrow(), fluent);
    }

    @Test
    void theReadmeShowsTheScriptItTalksAbout() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertTrue(readme.contains(HISTOGRAM_SCRIPT), "README.md shows the histogram script");
        assertTrue(readme.contains("\n./ktap ktap-examples/scripts/syscalls-hist.kp\n"), "the main command");
        assertTrue(readme.contains("\nmvn -B verify\n"), "the test command");
        String ci = Files.readString(Path.of("..", ".ci", "run"));
        assertTrue(ci.contains("\nmvn -B verify\n"), ".ci/run runs exactly the README's test command");
    }

    @Test
    void theFluentProgramOfTheUserGuideEqualsItsScript() throws IOException {
        Program fluent = program()
                .var("opens", table())
                .trace(Probes.kprobe("do_sys_openat2", "dfd=%di"), h -> h
                        .add(index(name("opens"), execname()), 1))
                .tick(Duration.ofSeconds(5), h -> h.exit())
                .traceEnd(h -> h
                        .forPairs("comm", "n", name("opens"), b -> b.printf("%-16s %d\n", name("comm"), name("n")))
                        .histogram(name("opens")))
                .build();
        String script = """
                var opens = {}

                trace probe:do_sys_openat2 dfd=%di {
                	opens[execname()] += 1
                }

                tick-5s {
                	exit()
                }

                trace_end {
                	for (comm, n in pairs(opens)) {
                		printf("%-16s %d\\n", comm, n)
                	}
                	histogram(opens)
                }
                """;
        assertEquals(KtapCompiler.compile("guide.kp", script).programOrThrow(), fluent);
        String guide = Files.readString(Path.of("..", "src", "site", "markdown", "user-guide.md"));
        assertTrue(guide.contains(script), "the user guide shows this script");
    }

    @Test
    void theReadmeJUnitSnippetHoldsForTheMainScript() throws IOException {
        Program program = KtapCompiler.compile(Path.of("scripts", "syscalls-hist.kp")).programOrThrow();
        TraceOptions options = TraceOptions.defaults().scriptArgs("syscalls-hist.kp", List.of());
        try (SimSession session = new SimKernel().open(TraceProgram.of(program), options)) {
            session.startAsync();
            session.fire("syscalls:sys_enter_read");
            session.fire("syscalls:sys_enter_write");
            session.advance(Duration.ofSeconds(5));
            assertTrue(session.hasEnded(), "the script's default of 5 seconds ends it");
            assertEquals(1L, session.table("s").get("sys_enter_read"));
            assertTrue(session.printed().contains("sys_enter_write |"));
        }
    }
}
