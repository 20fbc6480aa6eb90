package io.ktap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.trace.Backends;
import io.ktap.trace.TraceBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's main command, {@code ./ktap ktap-examples/scripts/syscalls-hist.kp}, traces this
 * host for real: {@code auto} picks a live backend (the host backend on a machine without the
 * module) and the histogram counts real system calls. Needs root and tracefs, which CI provides;
 * without them this test fails with the backend's reason rather than passing on nothing.
 */
class ReadmeMainCommandTest {

    /** One histogram row: the key right-aligned, a bar, the count. */
    private static final Pattern ROW = Pattern.compile("^\\s+(sys_enter_\\w+) \\|@*\\s*\\| (\\d+)$", Pattern.MULTILINE);

    @Test
    void theSyscallHistogramCountsRealSystemCalls() throws Exception {
        TraceBackend auto = Backends.auto();
        assertTrue(auto.isAvailable(), () -> "no live backend on this machine: " + auto.unavailabilityCause().orElse("?"));

        // A workload of known system calls for the whole trace: dd copies one byte at a time.
        Process dd = new ProcessBuilder("dd", "if=/dev/zero", "of=/dev/null", "bs=1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try {
            status = KtapCli.standard(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8))
                    .run(List.of(Path.of("scripts", "syscalls-hist.kp").toString(), "1"));
        } finally {
            dd.destroyForcibly().waitFor();
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(ExitStatus.OK, status, () -> err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Tracing... Hit Ctrl-C to end."));
        assertTrue(text.startsWith("                          value ------------- Distribution ------------- count\n"), text);

        Matcher row = ROW.matcher(text);
        long reads = 0;
        long writes = 0;
        while (row.find()) {
            if (row.group(1).equals("sys_enter_read")) {
                reads = Long.parseLong(row.group(2));
            } else if (row.group(1).equals("sys_enter_write")) {
                writes = Long.parseLong(row.group(2));
            }
        }
        // dd issues a read and a write per byte for the whole second: thousands of each.
        assertTrue(reads > 1000 && writes > 1000, text);
    }
}
