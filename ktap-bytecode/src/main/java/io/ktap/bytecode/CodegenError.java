package io.ktap.bytecode;

import io.ktap.ast.Diagnostic;
import io.ktap.ast.Span;

/**
 * The diagnostics the code generator reports: programs the VM cannot run. Codes {@code K3xxx} are
 * stable and belong to codegen.
 */
public enum CodegenError {
    UNDECLARED_VARIABLE("K3001", "undeclared variable '%s'"),
    BUILTIN_ARITY("K3002", "wrong number of arguments to '%s' (%s)"),
    TOO_MANY_REGISTERS("K3003", "function '%s' needs more than %d registers"),
    TOO_MANY_CONSTANTS("K3004", "function '%s' has more than %d constants"),
    TOO_MANY_UPVALUES("K3005", "function '%s' captures more than %d variables"),
    JUMP_TOO_FAR("K3006", "function '%s' is too large: a jump spans more than %d instructions"),
    BREAK_OUTSIDE_LOOP("K3007", "'break' outside a loop"),
    VARARG_OUTSIDE_VARIADIC("K3008", "cannot use '...' outside a variadic function"),
    PROBE_NOT_AT_TOP_LEVEL("K3009", "'%s' blocks are only allowed at the top level of a program"),
    BUILTIN_AS_VALUE("K3010", "builtin '%s' can only be called"),
    PAIRS_OUTSIDE_FOR("K3011", "pairs(...) can only be the iterator of a for-in loop"),
    ASSIGN_TO_BUILTIN("K3012", "cannot assign to builtin '%s'"),
    UNKNOWN_LIBRARY_FUNCTION("K3013", "unknown library function '%s.%s'"),
    STRING_TOO_LONG("K3014", "string literal of %d bytes exceeds the string length limit of %d"),
    TOO_MANY_FUNCTIONS("K3015", "program has more than %d functions"),
    TOO_MANY_GLOBALS("K3016", "program has more than %d globals"),
    TOO_MANY_PARAMETERS("K3017", "function '%s' has more than %d parameters"),
    TOO_MANY_ARGUMENTS("K3018", "call passes more than %d arguments"),
    NO_EVENT_HERE("K3019", "'%s' is only available in a probe handler"),
    LIBRARY_AS_VALUE("K3020", "library '%s' can only be used to call its functions"),
    INVALID_PROBE("K3021", "invalid probe: %s"),
    EMIT_TYPE_NOT_LITERAL("K3022", "emit's first argument must be a string literal naming the record type"),
    UNKNOWN_RECORD_TYPE("K3023", "unknown record type '%s' (the program declares %s)"),
    RECORD_ARITY("K3024", "record '%s' has %d field%s (%s), emit passes %d value%s"),
    INFERRED_RECORD_ARITY("K3025", "record '%s' is emitted with %d value%s here, but with %d at line %d"),
    TOO_MANY_RECORD_TYPES("K3026", "program emits more than %d record types"),
    AGGREGATION_CONTEXT("K3030", "'%s()' is an aggregation: it can only be the whole right side of an assignment to one"
            + " variable or table slot, as in 'x = %s(...)' or 't[k] = %s(...)'"),
    LHIST_BOUNDS("K3031", "invalid lhist bounds: %s"),
    TOO_MANY_AGGREGATIONS("K3032", "program has more than %d aggregation sites");

    private final String code;
    private final String format;

    CodegenError(String code, String format) {
        this.code = code;
        this.format = format;
    }

    public String code() {
        return code;
    }

    /** The diagnostic for this error at {@code span}, the message formatted with {@code args}. */
    public Diagnostic at(Span span, Object... args) {
        return Diagnostic.error(span, code, String.format(format, args));
    }
}
