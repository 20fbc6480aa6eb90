package io.ktap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ELF reader against binutils' view of the same binaries. */
class ElfFileTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "-no-pie"})
    void functionAddressesMatchNmAndMapToTheirFileBytes(String flag) throws Exception {
        Path binary = NativeHelpers.binary("uprobe_target", flag);
        ElfFile elf = ElfFile.open(binary);
        assertEquals(flag.isEmpty() ? ElfFile.ET_DYN : ElfFile.ET_EXEC, elf.type());

        Map<String, Long> nm = nmFunctions(binary);
        assertTrue(nm.containsKey("ktap_work") && nm.containsKey("main"), nm.toString());
        for (Map.Entry<String, Long> e : nm.entrySet()) {
            assertEquals(e.getValue(), elf.function(e.getKey()).orElseThrow().value(), e.getKey());
        }
        // The file offset of a function is where its code sits in the file: objdump's bytes of
        // ktap_work (found by address) must be the file's bytes at that offset.
        ElfFile.Symbol work = elf.function("ktap_work").orElseThrow();
        long offset = elf.fileOffset(work.value()).orElseThrow();
        byte[] file = Files.readAllBytes(binary);
        byte[] expected = objdumpBytes(binary, work.value(), 4);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], file[(int) offset + i], "byte " + i + " of ktap_work");
        }
        if (!flag.isEmpty()) {
            assertTrue(work.value() >= 0x400000 && offset < 0x400000, "fixed-address executable: vaddr != offset");
        }
    }

    @Test
    void libcExportsItsSyscallWrappersInDynsym() throws Exception {
        Path libc = Path.of("/proc/self/maps");
        String maps = Files.readString(libc);
        String path = maps.lines().map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .filter(p -> p.matches(".*/libc[.-].*so.*")).findFirst().orElse(null);
        if (path == null) {
            fail("no libc mapped into this JVM");
        }
        ElfFile elf = ElfFile.open(Path.of(path));
        ElfFile.Symbol getppid = elf.function("getppid").orElseThrow();
        assertTrue(getppid.isDefined());
        assertTrue(elf.fileOffset(getppid.value()).isPresent());
    }

    @Test
    void nonElfFilesAreRejectedWithAReason() throws Exception {
        Path text = Files.createTempFile("not-elf", ".txt");
        try {
            Files.writeString(text, "#!/bin/sh\n".repeat(20));
            HostException e = assertThrows(HostException.class, () -> ElfFile.open(text));
            assertTrue(e.getMessage().contains("not an ELF file"), e.getMessage());
        } finally {
            Files.delete(text);
        }
    }

    private static Map<String, Long> nmFunctions(Path binary) throws IOException, InterruptedException {
        Map<String, Long> functions = new HashMap<>();
        for (String line : run("nm", "--defined-only", binary.toString()).split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3 && (parts[1].equals("T") || parts[1].equals("t"))) {
                functions.put(parts[2], Long.parseUnsignedLong(parts[0], 16));
            }
        }
        return functions;
    }

    private static byte[] objdumpBytes(Path binary, long address, int count) throws IOException, InterruptedException {
        String out = run("objdump", "-s", "--start-address=0x" + Long.toHexString(address),
                "--stop-address=0x" + Long.toHexString(address + count), "-j", ".text", binary.toString());
        String line = out.lines().filter(l -> l.startsWith(" " + Long.toHexString(address))).findFirst().orElseThrow();
        // " 1139 8d447f 01    .D..": hex groups (split where the 16-byte row is), then ASCII.
        StringBuilder hexDigits = new StringBuilder();
        String[] tokens = line.trim().split("\\s+");
        for (int i = 1; i < tokens.length && hexDigits.length() < 2 * count; i++) {
            hexDigits.append(tokens[i]);
        }
        String hex = hexDigits.toString();
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail(command[0] + " (binutils) is needed: " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
