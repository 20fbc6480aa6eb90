package io.ktap.vm.bench;

import io.ktap.bytecode.Chunk;
import io.ktap.compiler.KtapCompiler;
import io.ktap.sim.ChunkLoader;
import io.ktap.sim.SimKernel;
import io.ktap.trace.Limits;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceProgram;
import io.ktap.vm.KtapVm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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

/**
 * The Java VM on the scripts of {@code bench/} (fib, count, concat), in steady state: each
 * operation runs a whole script's main chunk in a fresh VM, with no instruction budget and no
 * quota (as {@code --max-instructions 0} would), the call depth at its default. {@code bench/vm-vs-lua} runs it beside lua5.4 on the
 * equivalent Lua scripts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class VmBenchmark {

    @Param({"fib", "count", "concat"})
    public String script;

    private Chunk chunk;
    private SimKernel kernel;

    @Setup
    public void load() throws IOException {
        Path dir = Path.of(System.getProperty("ktap.bench.dir", "bench"));
        String text = Files.readString(dir.resolve(script + ".kp"));
        // No budget and no quota, as --max-instructions 0 gives; the call depth keeps its default.
        TraceOptions options = TraceOptions.defaults().limits(Limits.unlimited()
                .callDepth(Limits.defaults().callDepth()).stackSlots(Limits.defaults().stackSlots()));
        chunk = ChunkLoader.load(TraceProgram.of(KtapCompiler.compile(script + ".kp", text).programOrThrow()), options);
        kernel = new SimKernel();
    }

    @Benchmark
    public Object run() {
        KtapVm vm = new KtapVm(chunk, kernel, out -> {
            throw new IllegalStateException("benchmark script produced output: " + out.text());
        });
        if (vm.runMain() != KtapVm.Outcome.OK) {
            throw new IllegalStateException("benchmark script failed");
        }
        return vm.globalValue("result");
    }
}
