package io.ktap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FormatParserTest {
    private static final String SCHED_SWITCH = """
            name: sched_switch
            ID: 372
            format:
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

            \tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;
            \tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;
            \tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;
            \tfield:__data_loc char[] name;\toffset:40;\tsize:4;\tsigned:0;
            \tfield:__rel_loc char[] rel;\toffset:44;\tsize:4;\tsigned:0;
            \tfield:__data_loc u32[] cpus;\toffset:48;\tsize:4;\tsigned:0;
            \tfield:__u8 saddr[sizeof(struct sockaddr_in6)];\toffset:52;\tsize:28;\tsigned:0;
            \tfield:const char * filename;\toffset:80;\tsize:8;\tsigned:0;

            print fmt: "prev_comm=%s", REC->prev_comm
            """;

    @Test
    void parsesHeaderFieldsAndKinds() {
        EventFormat f = FormatParser.parse("sched", SCHED_SWITCH);
        assertEquals("sched:sched_switch", f.qualifiedName());
        assertEquals(372, f.id());
        assertEquals(4, f.commonFields().size());
        assertEquals(8, f.fields().size());
        assertEquals("\"prev_comm=%s\", REC->prev_comm", f.printFormat());

        FieldFormat comm = f.fields().get(0);
        assertEquals(new FieldFormat("prev_comm", "char[16]", 8, 16, false, FieldFormat.Kind.CHAR_ARRAY, false), comm);
        assertTrue(comm.isString());
        FieldFormat pid = f.field("prev_pid").orElseThrow();
        assertEquals(FieldFormat.Kind.INTEGER, pid.kind());
        assertTrue(pid.signed());
        assertEquals("pid_t", pid.type());
        assertEquals(FieldFormat.Kind.DATA_LOC_STRING, f.field("name").orElseThrow().kind());
        assertEquals("__data_loc char[]", f.field("name").orElseThrow().type());
        assertEquals(FieldFormat.Kind.REL_LOC_STRING, f.field("rel").orElseThrow().kind());
        assertTrue(f.field("rel").orElseThrow().isRelative());
        assertEquals(FieldFormat.Kind.DATA_LOC_ARRAY, f.field("cpus").orElseThrow().kind());
        FieldFormat saddr = f.field("saddr").orElseThrow();
        assertEquals(FieldFormat.Kind.BYTES, saddr.kind());
        assertEquals("__u8[sizeof(struct sockaddr_in6)]", saddr.type());
        FieldFormat filename = f.field("filename").orElseThrow();
        assertEquals("const char *", filename.type());
        assertEquals(FieldFormat.Kind.INTEGER, filename.kind());
        assertFalse(filename.isString(), "a pointer is an address, not a string");
        assertTrue(f.field("common_pid").orElseThrow().common());
        assertTrue(f.field("nope").isEmpty());
    }

    @Test
    void malformedTextIsRejectedWithTheLine() {
        IllegalArgumentException noId = assertThrows(IllegalArgumentException.class,
                () -> FormatParser.parse("x", "name: foo\nformat:\n"));
        assertTrue(noId.getMessage().contains("ID"), noId.getMessage());
        IllegalArgumentException badField = assertThrows(IllegalArgumentException.class,
                () -> FormatParser.parse("x", "name: foo\nID: 1\nformat:\n\tfield:int a;\toffset:x;\tsize:4;\tsigned:1;\n"));
        assertTrue(badField.getMessage().startsWith("line 4:"), badField.getMessage());
    }
    @Test
    void thePrintFmtRunsToTheEndOfTheFileEvenAcrossANewline() {
        // As ext4:ext4_fc_stats prints it: its format string holds a newline.
        EventFormat f = FormatParser.parse("ext4", "name: fc\nID: 7\nformat:\n"
                + "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n"
                + "\tfield:int n;\toffset:8;\tsize:4;\tsigned:1;\n\n"
                + "print fmt: \"a=%d\nb=%d\", REC->n,\n REC->n\n");
        assertEquals("\"a=%d\nb=%d\", REC->n,\n REC->n", f.printFormat());
        assertEquals(List.of("n"), f.fields().stream().map(FieldFormat::name).toList());
    }
}
