package io.ktap.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Java transport's view of the module ABI equals ktapvm_uapi.h: the header is compiled with
 * gcc and its sizes, offsets and ioctl numbers compared with the constants {@link Ktapvm} and
 * {@link EventTable} encode with.
 */
class AbiTest {

    private static final String PROGRAM = """
            #include <stddef.h>
            #include <stdio.h>
            #include "ktapvm_uapi.h"
            #define P(name, v) printf("%s=%llu\\n", name, (unsigned long long)(v))
            int main(void)
            {
            	P("load_req", sizeof(struct ktapvm_load_req));
            	P("stats", sizeof(struct ktapvm_session_stats));
            	P("evdesc", sizeof(struct ktapvm_evdesc));
            	P("fielddesc", sizeof(struct ktapvm_fielddesc));
            	P("filter_op", sizeof(struct ktapvm_filter_op));
            	P("ioc_load", KTAPVM_IOC_LOAD);
            	P("ioc_start", KTAPVM_IOC_START);
            	P("ioc_stop", KTAPVM_IOC_STOP);
            	P("ioc_stats", KTAPVM_IOC_STATS);
            	P("off_evtab", offsetof(struct ktapvm_load_req, evtab));
            	P("off_pid", offsetof(struct ktapvm_load_req, pid));
            	P("off_args", offsetof(struct ktapvm_load_req, args));
            	P("off_err", offsetof(struct ktapvm_load_req, err));
            	P("off_nr_rings", offsetof(struct ktapvm_load_req, nr_rings));
            	P("off_map_size", offsetof(struct ktapvm_load_req, ring_map_size));
            	P("off_session", offsetof(struct ktapvm_load_req, session_id));
            	P("off_stats_hits", offsetof(struct ktapvm_session_stats, hits));
            	P("off_stats_lost", offsetof(struct ktapvm_session_stats, lost));
            	P("off_filter_imm", offsetof(struct ktapvm_filter_op, imm));
            	P("abi", KTAPVM_ABI_VERSION);
            	return 0;
            }
            """;

    @Test
    void javaConstantsMatchTheHeader() throws Exception {
        Map<String, Long> c = compileAndRun();
        assertEquals(Ktapvm.LOAD_REQ_SIZE, c.get("load_req"));
        assertEquals(Ktapvm.STATS_SIZE, c.get("stats"));
        assertEquals(EventTable.EVDESC, c.get("evdesc"));
        assertEquals(EventTable.FIELDDESC, c.get("fielddesc"));
        assertEquals(EventTable.FILTER_OP, c.get("filter_op"));
        assertEquals(Ktapvm.IOC_LOAD, c.get("ioc_load"));
        assertEquals(Ktapvm.IOC_START, c.get("ioc_start"));
        assertEquals(Ktapvm.IOC_STOP, c.get("ioc_stop"));
        assertEquals(Ktapvm.IOC_STATS, c.get("ioc_stats"));
        assertEquals(24, c.get("off_evtab"));
        assertEquals(32, c.get("off_pid"));
        assertEquals(48, c.get("off_args"));
        assertEquals(64, c.get("off_err"));
        assertEquals(76, c.get("off_nr_rings"));
        assertEquals(80, c.get("off_map_size"));
        assertEquals(88, c.get("off_session"));
        assertEquals(16, c.get("off_stats_hits"));
        assertEquals(48, c.get("off_stats_lost"));
        assertEquals(8, c.get("off_filter_imm"));
        assertEquals(Ktapvm.ABI_VERSION, c.get("abi"));
    }

    private static Map<String, Long> compileAndRun() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("ktapvm-abi");
        Path src = dir.resolve("abi.c");
        Path bin = dir.resolve("abi");
        Files.writeString(src, PROGRAM);
        Path include = Path.of(System.getProperty("ktap.kernel.basedir", ".")).resolve("src/main/c/module");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-Wall", "-Werror", "-I", include.toString(), "-o", bin.toString(),
                    src.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("gcc is needed to compile the ABI header: " + e.getMessage());
            throw e;
        }
        String out = new String(gcc.getInputStream().readAllBytes());
        assertEquals(0, gcc.waitFor(), "gcc: " + out);
        Process run = new ProcessBuilder(bin.toString()).start();
        String text = new String(run.getInputStream().readAllBytes());
        run.waitFor(30, TimeUnit.SECONDS);
        Map<String, Long> m = new LinkedHashMap<>();
        text.lines().forEach(l -> m.put(l.substring(0, l.indexOf('=')), Long.parseUnsignedLong(l.substring(l.indexOf('=') + 1))));
        return m;
    }
}
