package io.ktap.bytecode;

import io.ktap.ast.Builtin;
import java.util.List;
import java.util.Optional;

/**
 * A readable listing of a chunk, in the manner of {@code luac -l}: the header, limits, globals,
 * probe table and schemas, then every prototype with its instructions (operands decoded, source
 * lines, constant values and target pcs as comments), constants and upvalues.
 *
 * <p>It lists any chunk, verified or not: an unknown opcode or an index out of range is shown as
 * such rather than failing.
 */
public final class Disassembler {

    private Disassembler() {
    }

    /** The listing of {@code chunk}. */
    public static String disassemble(Chunk chunk) {
        StringBuilder sb = new StringBuilder();
        sb.append("chunk ").append(Bytes.quote(chunk.source())).append(": format ").append(ChunkFormat.VERSION)
                .append(", ").append(chunk.protos().size()).append(" protos, ").append(chunk.globals().size())
                .append(" globals, ").append(chunk.probes().size()).append(" probes, ")
                .append(chunk.endProtos().size()).append(" end blocks, ").append(chunk.schemas().size())
                .append(" schemas\n");
        Limits l = chunk.limits();
        sb.append("limits: handler budget ").append(budget(l.handlerBudget())).append(", main budget ")
                .append(budget(l.mainBudget())).append(", call depth ").append(l.maxCallDepth())
                .append(", stack slots ").append(l.maxStackSlots()).append(", string length ").append(l.maxStringLength())
                .append(", tables ").append(l.maxTables()).append(", table entries ").append(l.maxTableEntries())
                .append(", string pool ").append(l.stringPoolBytes()).append(" bytes, closures ")
                .append(l.maxClosures()).append('\n');
        if (!chunk.globals().isEmpty()) {
            sb.append("globals:\n");
            for (int i = 0; i < chunk.globals().size(); i++) {
                sb.append(String.format("  G%-4d %s%n", i, Bytes.toText(chunk.globals().get(i))));
            }
        }
        if (!chunk.probes().isEmpty()) {
            sb.append("probes:\n");
            for (int i = 0; i < chunk.probes().size(); i++) {
                ProbeEntry p = chunk.probes().get(i);
                sb.append(String.format("  [%d] %-15s %s", i, p.kind(), Bytes.toText(p.spec())));
                if (p.filter() != null) {
                    sb.append(" /").append(Bytes.toText(p.filter())).append('/');
                }
                sb.append(" -> proto ").append(p.handler());
                if (p.kind().isTimer()) {
                    sb.append(", period ").append(p.periodNanos()).append(" ns");
                }
                if (p.kind().isCounter() && !p.eventIds().isEmpty()
                        && CounterAttr.check(p.kind(), p.eventIds()) == null) {
                    sb.append(", attr ").append(CounterAttr.describe(p.kind(), p.eventIds()));
                } else if (!p.eventIds().isEmpty()) {
                    sb.append(", event ids ").append(p.eventIds());
                }
                sb.append('\n');
            }
        }
        if (!chunk.endProtos().isEmpty()) {
            sb.append("end blocks: protos ").append(chunk.endProtos()).append('\n');
        }
        if (!chunk.schemas().isEmpty()) {
            sb.append("schemas:\n");
            for (int i = 0; i < chunk.schemas().size(); i++) {
                RecordSchema s = chunk.schemas().get(i);
                sb.append(String.format("  S%-4d %s(", i, Bytes.toText(s.name())));
                for (int f = 0; f < s.fields().size(); f++) {
                    RecordSchema.Field field = s.fields().get(f);
                    sb.append(f == 0 ? "" : ", ").append(field.type().name().toLowerCase()).append(' ')
                            .append(Bytes.toText(field.name()));
                }
                sb.append(")\n");
            }
        }
        if (!chunk.aggregations().isEmpty()) {
            sb.append("aggregations:\n");
            for (int i = 0; i < chunk.aggregations().size(); i++) {
                AggregationSpec a = chunk.aggregations().get(i);
                sb.append(String.format("  A%-4d @%s = %s%n", i, Bytes.toText(a.name()), a.signature()));
            }
        }
        for (int i = 0; i < chunk.protos().size(); i++) {
            sb.append('\n');
            proto(sb, chunk, i);
        }
        return sb.toString();
    }

    private static String budget(long b) {
        return b == 0 ? "unlimited" : Long.toString(b);
    }

    private static void proto(StringBuilder sb, Chunk chunk, int index) {
        Proto p = chunk.protos().get(index);
        sb.append("function ").append(Bytes.toText(p.name())).append(" #").append(index)
                .append(" (").append(Bytes.toText(chunk.source())).append(':').append(p.line()).append(')');
        sb.append(p.isRoot() ? ", root" : ", parent #" + p.parent());
        sb.append(", ").append(p.numParams()).append(p.variadic() ? "+ params" : " params")
                .append(", ").append(p.frameSize()).append(" registers, ").append(p.upvalues().size())
                .append(" upvalues, ").append(p.constants().size()).append(" constants, ")
                .append(p.codeLength()).append(" instructions\n");
        for (int pc = 0; pc < p.codeLength(); pc++) {
            sb.append(instruction(chunk, p, pc)).append('\n');
        }
        if (!p.constants().isEmpty()) {
            sb.append("  constants:\n");
            for (int k = 0; k < p.constants().size(); k++) {
                sb.append(String.format("    K%-4d %s%n", k, p.constants().get(k)));
            }
        }
        if (!p.upvalues().isEmpty()) {
            sb.append("  upvalues:\n");
            for (int u = 0; u < p.upvalues().size(); u++) {
                UpvalueDesc d = p.upvalues().get(u);
                sb.append(String.format("    U%-4d %s %s%d%n", u, Bytes.toText(d.name()), d.inStack() ? "r" : "U", d.index()));
            }
        }
    }

    /** One listing line: pc (1-based, like luac), source line, opcode, decoded operands and a comment. */
    public static String instruction(Chunk chunk, Proto p, int pc) {
        int ins = p.instruction(pc);
        Optional<Opcode> maybe = Opcode.byCode(Ins.op(ins));
        String head = String.format("  %5d  [%d]  ", pc + 1, p.lineAt(pc));
        if (maybe.isEmpty()) {
            return head + String.format("<unknown opcode %d> 0x%08x", Ins.op(ins), ins);
        }
        Opcode op = maybe.get();
        StringBuilder ops = new StringBuilder();
        StringBuilder comment = new StringBuilder();
        if (op.format() == Opcode.Format.ABC) {
            operand(ops, comment, chunk, p, pc, op.a(), Ins.a(ins), ins);
            operand(ops, comment, chunk, p, pc, op.b(), Ins.b(ins), ins);
            operand(ops, comment, chunk, p, pc, op.c(), Ins.c(ins), ins);
        } else {
            operand(ops, comment, chunk, p, pc, op.a(), Ins.a(ins), ins);
            operand(ops, comment, chunk, p, pc, op.d(), Ins.d(ins), ins);
        }
        String line = head + String.format("%-9s %s", op, ops.toString().trim());
        return comment.length() == 0 ? line : String.format("%-44s ; %s", line, comment.toString().trim());
    }

    private static void operand(StringBuilder ops, StringBuilder comment, Chunk chunk, Proto p, int pc,
                                Operand role, int v, int ins) {
        switch (role) {
            case NONE -> {
                if (v != 0) {
                    ops.append(" ?").append(v);
                }
            }
            case DST, SRC, BASE -> ops.append(" r").append(v);
            case COUNT, HINT -> ops.append(' ').append(v);
            case CONST -> {
                ops.append(" K").append(v);
                comment.append(' ').append(v < p.constants().size() ? p.constants().get(v).toString() : "<bad constant>");
            }
            case UPVAL -> {
                ops.append(" U").append(v);
                comment.append(' ').append(v < p.upvalues().size() ? Bytes.toText(p.upvalues().get(v).name()) : "<bad upvalue>");
            }
            case GLOBAL -> {
                ops.append(" G").append(v);
                comment.append(' ').append(v < chunk.globals().size() ? Bytes.toText(chunk.globals().get(v)) : "<bad global>");
            }
            case PROTO -> {
                ops.append(" #").append(v);
                comment.append(' ').append(v < chunk.protos().size() ? Bytes.toText(chunk.protos().get(v).name()) : "<bad proto>");
            }
            case BUILTIN -> {
                ops.append(' ').append(v);
                comment.append(' ').append(Builtin.byId(v).map(Builtin::qualifiedName).orElse("<unknown builtin>"));
            }
            case JUMP -> {
                int target = pc + 1 + Ins.sd(ins);
                ops.append(' ').append(Ins.sd(ins) >= 0 ? "+" : "").append(Ins.sd(ins));
                comment.append(" to ").append(target + 1);
            }
            case SHORT -> ops.append(' ').append(Ins.sd(ins));
            case PRI -> ops.append(' ').append(switch (v) {
                case 0 -> "nil";
                case 1 -> "false";
                case 2 -> "true";
                default -> "?" + v;
            });
            case EVENT -> ops.append(' ').append(eventName(v));
            case SCHEMA -> {
                ops.append(" S").append(v);
                comment.append(' ').append(v < chunk.schemas().size() ? Bytes.toText(chunk.schemas().get(v).name()) : "<bad schema>");
            }
            case AGG -> {
                ops.append(" A").append(v);
                if (v < chunk.aggregations().size()) {
                    AggregationSpec a = chunk.aggregations().get(v);
                    comment.append(" @").append(Bytes.toText(a.name())).append(" = ").append(a.signature());
                } else {
                    comment.append(" <bad aggregation>");
                }
            }
            default -> throw new IllegalStateException("unknown operand role " + role);
        }
    }

    /** The script word for an {@link Opcode#EVGET} selector. */
    public static String eventName(int selector) {
        if (selector == 0) {
            return "event";
        }
        if (selector >= 1 && selector <= 9) {
            return "arg" + selector;
        }
        return switch (selector) {
            case 10 -> "argname";
            case 11 -> "argevent";
            default -> "?" + selector;
        };
    }

    static List<String> lines(String listing) {
        return List.of(listing.split("\n"));
    }
}
