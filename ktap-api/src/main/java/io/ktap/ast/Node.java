package io.ktap.ast;

/** Every AST node: immutable data that knows where it was written. */
public sealed interface Node permits Expr, Stmt, Probe, Block, Program, TableField, FunctionBody {

    /** Where this node was written; {@link Span#NONE} for nodes built with the fluent API. */
    Span span();
}
