package io.ktap.ast.arbitrary;

import io.ktap.ast.Expr;
import io.ktap.ast.Probe;
import io.ktap.ast.Program;
import io.ktap.ast.Stmt;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomDistribution;

/**
 * jqwik arbitraries of random well-formed ASTs, for property tests in every module (this class
 * ships in ktap-api's test-jar). Every generated node satisfies the record invariants; programs
 * declare every name before reading it and respect the language's placement rules (see
 * {@link AstGenerator}), so they compile without errors and survive print &rarr; parse.
 *
 * <pre>{@code
 * @Property
 * void printThenParseIsIdentity(@ForAll("programs") Program p) { ... }
 *
 * @Provide
 * Arbitrary<Program> programs() { return AstArbitraries.programs(); }
 * }</pre>
 *
 * <p>Each AST is generated from a list of random choices; jqwik shrinks the list (fewer, smaller
 * choices), which shrinks the AST towards the simplest one, so a failing case is reported small.
 */
public final class AstArbitraries {

    /** The default number of choices behind one AST: enough for programs of a few dozen nodes. */
    public static final int DEFAULT_CHOICES = 300;

    private AstArbitraries() {
    }

    /** Whole programs: globals, functions, main-chunk statements, trace/timer/trace_end blocks. */
    public static Arbitrary<Program> programs() {
        return programs(8, DEFAULT_CHOICES);
    }

    /**
     * Programs of at most {@code maxTopLevel} top-level statements, from at most
     * {@code maxChoices} random choices (which bounds the depth and breadth of everything else).
     */
    public static Arbitrary<Program> programs(int maxTopLevel, int maxChoices) {
        return from(maxChoices, g -> g.program(maxTopLevel));
    }

    /** Closed expressions (no free names), valid inside a trace handler. */
    public static Arbitrary<Expr> expressions() {
        return from(DEFAULT_CHOICES, g -> g.expression(4));
    }

    /** Statements valid inside a trace handler, needing no outer declarations. */
    public static Arbitrary<Stmt> statements() {
        return from(DEFAULT_CHOICES, g -> g.statement(3));
    }

    /** Probes of every kind, each with a text form ({@code ProbeSpecs.format} accepts it). */
    public static Arbitrary<Probe> probes() {
        return from(40, AstGenerator::probe);
    }

    private static <T> Arbitrary<T> from(int maxChoices, Function<AstGenerator, T> build) {
        // Uniform list sizes: jqwik's default favours short lists, which would mean tiny ASTs.
        return Arbitraries.integers().between(0, 0xffff).list().ofMaxSize(maxChoices)
                .withSizeDistribution(RandomDistribution.uniform())
                .map(choices -> build.apply(new AstGenerator(new Choices(List.copyOf(choices)))));
    }
}
