package io.ktap.kernel.bench;

import io.ktap.compiler.CompileResult;
import io.ktap.compiler.KtapCompiler;
import io.ktap.kernel.KernelBackend;
import io.ktap.kernel.KernelSession;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceProgram;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * For the benchmarks (ktap-kernel/bench): traces the whole system with SCRIPT on the kernel
 * backend while CMD runs, then prints the trace's output and the module's counters.
 * {@code TraceCommand SCRIPT.kp CMD...}
 */
public final class TraceCommand {

    private TraceCommand() {
    }

    public static void main(String[] args) throws Exception {
        CompileResult r = KtapCompiler.compile(Path.of(args[0]));
        List<String> cmd = Arrays.asList(args).subList(1, args.length);
        try (KernelSession s = new KernelBackend().open(TraceProgram.of(r.programOrThrow()), TraceOptions.defaults())) {
            s.onPrint(System.out::print);
            s.onEvent(o -> {
                if (!(o instanceof io.ktap.trace.TraceOutput.Print || o instanceof io.ktap.trace.TraceOutput.Histogram)) {
                    System.out.print(o.text());
                }
            });
            s.startAsync();
            Thread.sleep(1000);
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            int rc = p.waitFor();
            System.err.println("ktapvm: " + s.stats() + ", command exit " + rc);
            s.close();
        }
    }
}
