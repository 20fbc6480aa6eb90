package io.ktap.examples;

import static io.ktap.api.Ktap.*;

import io.ktap.api.Ktap;
import io.ktap.api.Probes;
import io.ktap.ast.Program;
import io.ktap.trace.TraceProgram;

/**
 * Malloc size histogram via uprobes: the sizes passed to libc's {@code malloc}, in power-of-2
 * buckets, as a histogram when tracing ends. The script is {@code scripts/malloc-hist.kp}.
 */
public final class MallocHistogram {

    /** The C library probed (Debian/Ubuntu x86-64 path). */
    public static final String LIBC = "/lib/x86_64-linux-gnu/libc.so.6";

    private MallocHistogram() {
    }

    /** The program, as {@code malloc-hist.kp} reads. */
    public static Program program() {
        return Ktap.program()
                .var("sizes", table())
                .function("bucket", params("n"), f -> f
                        .var("b", 1)
                        .whileLoop(lt(name("b"), name("n")), b -> b.set("b", times(name("b"), 2)))
                        .ret(name("b")))
                .trace(Probes.uprobe(LIBC, "malloc", "size=%di"),
                        h -> h.add(index(name("sizes"), call("bucket", arg(2))), 1))
                .traceEnd(h -> h.histogram(name("sizes")))
                .build();
    }

    /** Runs it on this host until Ctrl-C. */
    public static void main(String[] args) {
        System.exit(Runner.run("malloc-hist", args, TraceProgram.of(program()), s -> { }));
    }
}
