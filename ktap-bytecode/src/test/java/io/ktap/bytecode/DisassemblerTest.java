package io.ktap.bytecode;

import static io.ktap.bytecode.Ast.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.ast.BinOp;
import java.util.List;
import org.junit.jupiter.api.Test;

class DisassemblerTest {

    @Test
    void listsTheWholeChunk() {
        Chunk c = Listing.compile(program(var("s", table()),
                trace("syscalls", "sys_enter_*", compound(index(name("s"), argname()), BinOp.ADD, num(1))),
                traceEnd(forIn(names("k", "v"), exprs(call("pairs", name("s"))), print(name("k"), name("v"))))));
        String expected = """
                chunk "t.kp": format 2, 3 protos, 1 globals, 1 probes, 1 end blocks, 0 schemas
                limits: handler budget 100000, main budget 100000000, call depth 200, stack slots 8192, string length 511, tables 1024, table entries 65536, string pool 1048576 bytes, closures 4096
                globals:
                  G0    s
                probes:
                  [0] TRACEPOINT      syscalls:sys_enter_* -> proto 1
                end blocks: protos [2]

                function main #0 (t.kp:1), root, 0 params, 1 registers, 0 upvalues, 0 constants, 3 instructions
                      1  [1]  TNEW      r0 0 0
                      2  [1]  GSET      r0 G0                ; s
                      3  [1]  RET       r0 1

                function trace syscalls:sys_enter_* #1 (t.kp:1), root, 0 params, 3 registers, 0 upvalues, 0 constants, 5 instructions
                      1  [1]  GGET      r0 G0                ; s
                      2  [1]  EVGET     r1 argname
                      3  [1]  KSHORT    r2 1
                      4  [1]  TINCR     r2 r0 r1
                      5  [1]  RET       r0 1

                function trace_end #2 (t.kp:1), root, 0 params, 6 registers, 0 upvalues, 0 constants, 7 instructions
                      1  [1]  GGET      r0 G0                ; s
                      2  [1]  ITERP     r0 +3                ; to 6
                      3  [1]  MOV       r4 r2
                      4  [1]  MOV       r5 r3
                      5  [1]  CALLB     r4 3 1               ; print
                      6  [1]  ITERN     r0 -4                ; to 3
                      7  [1]  RET       r0 1
                """;
        assertEquals(expected, Disassembler.disassemble(c));
    }

    @Test
    void decodesTheAttrOfPerfEventsAndBreakpoints() {
        Chunk c = Listing.compile(program(trace("syscalls", "sys_enter_open", print(num(1)))));
        Proto handler = c.protos().get(1);
        Chunk counters = new Chunk("p", Limits.DEFAULT, List.of(), c.protos(), List.of(), List.of(
                new ProbeEntry(ProbeKind.PERF_EVENT, "perf:cycles/period=100000/", null, 1, 0, List.of(0L, 0L, 100_000L, 0L)),
                new ProbeEntry(ProbeKind.PERF_EVENT, "perf:page-faults", null, 1, 0, List.of()),
                new ProbeEntry(ProbeKind.BREAKPOINT, "mem:jiffies/8:w", null, 1, 0, List.of(0xffffffff82a0c000L, 8L, 2L))),
                List.of(), List.of());
        String listing = Disassembler.disassemble(counters);
        assertTrue(listing.contains("[0] PERF_EVENT      perf:cycles/period=100000/ -> proto 1, attr hardware config 0 period 100000\n"),
                listing);
        assertTrue(listing.contains("[1] PERF_EVENT      perf:page-faults -> proto 1\n"), listing);
        assertTrue(listing.contains("[2] BREAKPOINT      mem:jiffies/8:w -> proto 1, attr 0xffffffff82a0c000 len 8 w\n"),
                listing);
        assertEquals(handler, counters.protos().get(1));
    }

    @Test
    void decodesConstantsUpvaluesAndSchemas() {
        Chunk c = Listing.compile(program(func("f", names("a"), ret(fn(names(), false, ret(bin(BinOp.CONCAT, name("a"), str("\n\u00ff"))))))));
        String listing = Disassembler.disassemble(c);
        assertTrue(listing.contains("FNEW      r1 #2                ; function@1"), listing);
        assertTrue(listing.contains("UGET      r1 U0                ; a"), listing);
        assertTrue(listing.contains("K0    \"\\n\\xff\""), listing);
        assertTrue(listing.contains("U0    a r0"), listing);
        Chunk withSchema = new Chunk("s", Limits.DEFAULT, List.of(), c.protos(), List.of(), List.of(),
                List.of(new RecordSchema("Open", List.of(new RecordSchema.Field("pid", RecordSchema.FieldType.NUMBER),
                        new RecordSchema.Field("path", RecordSchema.FieldType.STRING)))));
        assertTrue(Disassembler.disassemble(withSchema).contains("S0    Open(number pid, string path)"));
    }

    @Test
    void listsBrokenChunksWithoutFailing() {
        Proto p = new Proto("bad", 0, Proto.NO_PARENT, 0, false, 1, List.of(), List.of(),
                new int[] {0xff, Ins.ad(Opcode.KCONST, 0, 9), Ins.ad(Opcode.GGET, 0, 3), Ins.abc(Opcode.CALLB, 0, 1, 99),
                        Ins.ad(Opcode.JMP, 4, 0)}, new int[5]);
        String listing = Disassembler.disassemble(new Chunk("s", Limits.DEFAULT, List.of(), List.of(p), List.of(), List.of(), List.of()));
        assertTrue(listing.contains("<unknown opcode 255> 0x000000ff"), listing);
        assertTrue(listing.contains("<bad constant>"), listing);
        assertTrue(listing.contains("<bad global>"), listing);
        assertTrue(listing.contains("<unknown builtin>"), listing);
        assertTrue(listing.contains("JMP       ?4 +0"), listing);
    }
}
