package io.ktap.vm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The benchmark's scripts timed in CPU time of the running thread, the measure that a machine
 * shared with other work disturbs least (lua5.4's side is timed with {@code os.clock}, its process
 * CPU time). Prints {@code SCRIPT MS} lines: the mean of the fastest half of the measured runs,
 * after a warm-up that reaches steady state. Used by {@code bench/vm-vs-lua}.
 */
public final class CpuTime {

    private CpuTime() {
    }

    public static void main(String[] args) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int warmup = Integer.getInteger("warmup", 30);
        int runs = Integer.getInteger("runs", 20);
        for (String script : args) {
            VmBenchmark b = new VmBenchmark();
            b.script = script;
            b.load();
            for (int i = 0; i < warmup; i++) {
                b.run();
            }
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t = mx.getCurrentThreadCpuTime();
                b.run();
                ms[i] = (mx.getCurrentThreadCpuTime() - t) / 1e6;
            }
            Arrays.sort(ms);
            double sum = 0;
            int half = Math.max(1, runs / 2);
            for (int i = 0; i < half; i++) {
                sum += ms[i];
            }
            System.out.printf("%s %.3f%n", script, sum / half);
        }
    }
}
