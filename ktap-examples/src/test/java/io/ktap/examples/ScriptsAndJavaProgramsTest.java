package io.ktap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ktap.ast.AstPrinter;
import io.ktap.ast.Program;
import io.ktap.compiler.KtapCompiler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each example's Java program builds exactly the AST the compiler reads from its script. */
class ScriptsAndJavaProgramsTest {

    static Stream<Arguments> examples() {
        return Stream.of(
                example("syscalls-hist.kp", SyscallsHistogram::program),
                example("syscalls-by-process.kp", SyscallsByProcess::program),
                example("opensnoop.kp", OpenSnoop::program),
                example("execsnoop.kp", ExecSnoop::program),
                example("sched-switch.kp", SchedSwitches::program),
                example("function-time.kp", FunctionTime::program),
                example("malloc-hist.kp", MallocHistogram::program),
                example("profile.kp", Profile::program),
                example("syscall-agent.kp", SyscallAgent::program));
    }

    private static Arguments example(String script, Supplier<Program> java) {
        return Arguments.of(script, java);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void javaProgramIsTheScript(String script, Supplier<Program> java) throws IOException {
        Program parsed = KtapCompiler.compile(Path.of("scripts", script)).programOrThrow();
        Program built = java.get();
        // Printed first, so that a difference shows as text; then the ASTs themselves.
        assertEquals(AstPrinter.print(parsed), AstPrinter.print(built));
        assertEquals(parsed, built);
    }
}
