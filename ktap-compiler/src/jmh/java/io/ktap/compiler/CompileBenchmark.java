package io.ktap.compiler;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Compile speed, warm: lexing, parsing and resolving a generated script of {@code lines} lines
 * (see {@link BenchmarkScripts}). The target is under 50 ms for 1,000 lines.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CompileBenchmark {

    @Param({"1000"})
    public int lines;

    private byte[] source;

    @Setup
    public void setUp() {
        source = BenchmarkScripts.script(lines).getBytes(StandardCharsets.UTF_8);
        CompileResult r = KtapCompiler.compile("bench.kp", source);
        if (!r.isSuccess()) {
            throw new IllegalStateException("benchmark script does not compile:\n" + r.format());
        }
    }

    @Benchmark
    public CompileResult compile() {
        return KtapCompiler.compile("bench.kp", source);
    }
}
