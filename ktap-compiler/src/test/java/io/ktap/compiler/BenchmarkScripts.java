package io.ktap.compiler;

/** Deterministic scripts for the compile-speed benchmark (shared with a test that checks they compile). */
public final class BenchmarkScripts {

    private BenchmarkScripts() {
    }

    /**
     * A valid script of exactly {@code lines} lines (a multiple of 25) in the style of real ktap
     * tracers: globals, functions with loops and closures, table work, string formatting, probe
     * blocks with filters and fetch args, timers and an end block.
     */
    public static String script(int lines) {
        if (lines % 25 != 0 || lines <= 0) {
            throw new IllegalArgumentException("lines must be a positive multiple of 25: " + lines);
        }
        StringBuilder sb = new StringBuilder(lines * 40);
        for (int i = 0; i < lines / 25; i++) {
            sb.append("# section ").append(i).append(": counts, latencies and a report\n")
              .append("var counts_").append(i).append(" = {}\n")
              .append("var start_").append(i).append(", total_").append(i).append(" = {}, 0\n")
              .append("function bucket_").append(i).append("(ns, width) {\n")
              .append("        var b = 1\n")
              .append("        while (ns > width && b < 64) { ns = ns / 2; b += 1 }\n")
              .append("        return b\n")
              .append("}\n")
              .append("trace syscalls:sys_enter_read, syscalls:sys_enter_pread64 /fd != 0/ {\n")
              .append("        start_").append(i).append("[tid()] = gettimeofday_us()\n")
              .append("        counts_").append(i).append("[execname() .. \":\" .. argname] += 1\n")
              .append("}\n")
              .append("trace probe:vfs_read%return ret=$retval {\n")
              .append("        var t0 = start_").append(i).append("[tid]\n")
              .append("        if (t0 != nil && arg2 >= 0) {\n")
              .append("                total_").append(i).append(" += gettimeofday_us() - t0\n")
              .append("                counts_").append(i).append("[bucket_").append(i).append("(total_").append(i)
              .append(", 0x10)] += 1\n")
              .append("        } elseif (!t0) { printf(\"%s %d\\n\", \"missed\", pid) } else { start_").append(i)
              .append("[tid] = nil }\n")
              .append("}\n")
              .append("tick-").append(i + 1).append("s {\n")
              .append("        for (k, v in pairs(counts_").append(i).append(")) { if (v > 100) { print(k, v) } }\n")
              .append("        for (j = 1, 10, 2) { counts_").append(i).append("[j] = j * j % 7 }\n")
              .append("}\n")
              .append("trace_end { histogram(counts_").append(i).append(", 20); print(\"total\", total_").append(i)
              .append(") }\n")
              .append("var report_").append(i).append(" = function (t) { return {n = len(t), [\"x\"] = t, 1, 2} }\n");
        }
        return sb.toString();
    }
}
