package io.ktap.ast.arbitrary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ktap.ast.AstPrinter;
import io.ktap.ast.Expr;
import io.ktap.ast.Probe;
import io.ktap.ast.ProbeSpecs;
import io.ktap.ast.Program;
import io.ktap.ast.Stmt;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/** The generators produce printable ASTs, every probe round-trips through its text, and they vary. */
class AstArbitrariesProperties {

    @Property(tries = 300)
    void programsArePrintable(@ForAll("programs") Program p) {
        AstPrinter.print(p);
        Statistics.label("top-level statements").collect(Math.min(p.body().statements().size(), 5));
    }

    @Property(tries = 300)
    void expressionsAndStatementsArePrintable(@ForAll("expressions") Expr e, @ForAll("statements") Stmt s) {
        AstPrinter.print(e);
        AstPrinter.print(s);
        Statistics.label("expression").collect(e.getClass().getSimpleName());
        Statistics.label("statement").collect(s.getClass().getSimpleName());
    }

    @Property(tries = 500)
    void probesRoundTripThroughTheirText(@ForAll("probes") Probe p) {
        assertEquals(p, ProbeSpecs.parse(ProbeSpecs.format(p)));
        Statistics.label("probe").collect(p.getClass().getSimpleName());
    }

    /** Deterministic (a fixed seed): 300 programs of the default size hold every variant. */
    @Test
    void generatorsCoverEveryVariant() {
        java.util.Random random = new java.util.Random(20240601);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            java.util.List<Integer> choices = new java.util.ArrayList<>();
            for (int j = 0; j < AstArbitraries.DEFAULT_CHOICES; j++) {
                choices.add(random.nextInt(0x10000));
            }
            collect(new AstGenerator(new Choices(choices)).program(8), seen);
        }
        Set<String> expected = new HashSet<>();
        for (Class<?> category : new Class<?>[] {Expr.class, Stmt.class, Probe.class}) {
            for (Class<?> variant : category.getPermittedSubclasses()) {
                expected.add(variant.getSimpleName());
            }
        }
        expected.removeAll(seen);
        assertEquals(Set.of(), expected, "variants never generated");
    }

    private static void collect(Object node, Set<String> seen) {
        if (node instanceof Iterable<?> list) {
            list.forEach(n -> collect(n, seen));
            return;
        }
        if (node == null || !(node instanceof Record r)) {
            return;
        }
        seen.add(node.getClass().getSimpleName());
        for (var component : r.getClass().getRecordComponents()) {
            try {
                collect(component.getAccessor().invoke(r), seen);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Provide
    Arbitrary<Program> programs() {
        return AstArbitraries.programs();
    }

    @Provide
    Arbitrary<Expr> expressions() {
        return AstArbitraries.expressions();
    }

    @Provide
    Arbitrary<Stmt> statements() {
        return AstArbitraries.statements();
    }

    @Provide
    Arbitrary<Probe> probes() {
        return AstArbitraries.probes();
    }
}
