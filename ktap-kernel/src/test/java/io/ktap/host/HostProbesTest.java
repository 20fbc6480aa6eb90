package io.ktap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure parts of probe resolution and symbolization: no kernel needed. */
class HostProbesTest {
    private static final int X86_64 = 62;

    private static ElfFile.SdtNote note(String args) {
        return new ElfFile.SdtNote("prov", "mark", 0x1000, 0, args);
    }

    @Test
    void sdtArgumentsBecomeUprobeFetchArguments() throws Exception {
        assertEquals(List.of("arg1=%di:s32", "arg2=%si:u64", "arg3=%r8:u16", "arg4=%ax:s8"),
                HostProbes.sdtFetchArgs(note("-4@%edi 8@%rsi 2@%r8w -1@%al"), X86_64));
        assertEquals(List.of("arg1=-16(%bp):u64", "arg2=+8(%sp):s32", "arg3=+0(%ax):u32"),
                HostProbes.sdtFetchArgs(note("8@-16(%rbp) -4@8(%rsp) 4@(%rax)"), X86_64));
        assertEquals(List.of("arg1=\\5:u32", "arg2=\\-1:s64", "arg3=\\255:u8"),
                HostProbes.sdtFetchArgs(note("4@$5 -8@$-1 1@$0xff"), X86_64));
        assertEquals(List.of(), HostProbes.sdtFetchArgs(note(""), X86_64));
    }

    @Test
    void sdtArgumentsUprobesCannotFetchAreRefused() {
        HostException indexed = assertThrows(HostException.class,
                () -> HostProbes.sdtFetchArgs(note("8@(%rax,%rbx,8)"), X86_64));
        assertTrue(indexed.getMessage().contains("'8@(%rax,%rbx,8)' uses an operand uprobes cannot fetch"),
                indexed.getMessage());
        assertThrows(HostException.class, () -> HostProbes.sdtFetchArgs(note("3@%eax"), X86_64));
        assertThrows(HostException.class, () -> HostProbes.sdtFetchArgs(note("4@%xmm0"), X86_64));
        HostException arm = assertThrows(HostException.class, () -> HostProbes.sdtFetchArgs(note("8@x0"), 183));
        assertTrue(arm.getMessage().contains("x86_64 only"), arm.getMessage());
    }

    @Test
    void uprobeEventsAreNamedAsTheSimNamesThem() {
        Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
        assertEquals("malloc", HostProbes.uprobeName(libc, "malloc", false));
        assertEquals("malloc__return", HostProbes.uprobeName(libc, "malloc+4", true));
        assertEquals("p_libc_so_6_0x4000", HostProbes.uprobeName(libc, "0x4000", false));
    }

    @Test
    void kallsymsNameAddressesAsTheKernelDoes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kallsyms");
        Files.writeString(file, """
                ffffffff81000000 T _stext
                ffffffff81000100 t do_one
                ffffffff81000180 D some_data
                ffffffff81000200 T do_two
                ffffffffc0000000 t mod_fn\t[ext4]
                ffffffffc0000040 t mod_end\t[ext4]
                """);
        Kallsyms k = Kallsyms.load(file);
        assertTrue(k.isReadable());
        assertEquals("do_one+0x10/0x100", k.symbolize(0xffffffff81000110L, true), "data symbols do not end a function");
        assertEquals("do_one", k.symbolize(0xffffffff81000110L, false));
        assertEquals("mod_fn+0x4/0x40 [ext4]", k.symbolize(0xffffffffc0000004L, true));
        assertNull(k.symbolize(0x1000, true));
        assertEquals("0x1000", k.describe(0x1000));
        Files.writeString(file, "0000000000000000 T _stext\n0000000000000000 t do_one\n");
        assertTrue(!Kallsyms.load(file).isReadable(), "hidden addresses (kptr_restrict) name nothing");
    }
}
