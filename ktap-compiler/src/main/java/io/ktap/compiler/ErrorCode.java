package io.ktap.compiler;

/**
 * The stable codes of the compiler's diagnostics. A code names a kind of problem and never changes
 * meaning; new kinds take new codes. {@code K00xx} are lexical, {@code K01xx} syntactic,
 * {@code K02xx} probe definitions, {@code K03xx} name resolution and checks, {@code K09xx} limits.
 */
public enum ErrorCode {
    /** A character that cannot start any token ({@code $}, {@code @}, a control byte, ...). */
    UNEXPECTED_CHARACTER("K0001"),
    /** A quoted string without its closing quote on the same line. */
    UNTERMINATED_STRING("K0002"),
    /** A {@code [[ ]]} string or {@code --[[ ]]} comment without its closing brackets. */
    UNTERMINATED_LONG_BRACKET("K0003"),
    /** A backslash escape that is not one of C's and Lua's. */
    INVALID_ESCAPE("K0004"),
    /** A number literal that is not decimal, hexadecimal or octal digits. */
    MALFORMED_NUMBER("K0005"),
    /** A literal with a decimal point or an exponent: ktap has no floating point. */
    FLOAT_LITERAL("K0006"),
    /** An integer literal that does not fit in 64 bits. */
    INTEGER_TOO_LARGE("K0007"),

    /** A token where the grammar expects something else. */
    UNEXPECTED_TOKEN("K0101"),
    /** The left side of an assignment is not a name or a table slot. */
    INVALID_ASSIGNMENT_TARGET("K0102"),
    /** An expression used as a statement that is not a call. */
    NOT_A_STATEMENT("K0103"),
    /** Statements after {@code return} in the same block. */
    RETURN_NOT_LAST("K0104"),

    /** An EVENTDEF that is not a valid probe definition. */
    INVALID_PROBE("K0201"),
    /** A malformed {@code tick-N<unit>} / {@code profile-N<unit>} timer. */
    INVALID_TIMER("K0202"),
    /** A malformed or misplaced {@code /filter/} of a trace block. */
    INVALID_FILTER("K0203"),
    /** A trace, timer or trace_end block that is not at the top level of the script. */
    PROBE_NOT_AT_TOP_LEVEL("K0204"),

    /** A name that is read but never declared with {@code var}, assigned, or defined as a function. */
    UNDECLARED_NAME("K0301"),
    /** {@code arg0}, {@code arg10}, ...: event fields are {@code arg1} to {@code arg9}. */
    NO_SUCH_EVENT_ARG("K0302"),
    /** A builtin called with too few or too many arguments. */
    WRONG_ARGUMENT_COUNT("K0303"),
    /** {@code lib.name} where the library has no such function. */
    UNKNOWN_LIBRARY_FUNCTION("K0304"),
    /** A library table ({@code table}, {@code kdebug}, ...) used other than to call its functions. */
    LIBRARY_NOT_A_VALUE("K0305"),
    /** A global that would redefine a builtin or a library. */
    BUILTIN_REDEFINED("K0306"),
    /** {@code break} outside a loop of the same function. */
    BREAK_OUTSIDE_LOOP("K0307"),
    /** {@code ...} outside a variadic function. */
    VARARG_OUTSIDE_VARIADIC("K0308"),
    /** Two parameters of one function with the same name. */
    DUPLICATE_PARAMETER("K0309"),
    /** An event variable ({@code argevent}, {@code arg1}, ...) where there is no event. */
    NO_EVENT_HERE("K0310"),
    /** Warning: values returned from a probe handler or the main chunk go nowhere. */
    RETURN_VALUE_IGNORED("K0311"),
    /** An aggregation function ({@code count()}, ...) anywhere but as the whole value of {@code target = agg(...)}. */
    AGGREGATION_MISPLACED("K0312"),
    /** {@code lhist} bounds that are not integer literals or do not divide into 1..1000 buckets. */
    LHIST_BOUNDS("K0313"),

    /** Nesting deeper than the compiler's limit. */
    NESTING_TOO_DEEP("K0901"),
    /** More errors than the compiler reports in one run. */
    TOO_MANY_ERRORS("K0902");

    private final String code;

    ErrorCode(String code) {
        this.code = code;
    }

    /** The stable identifier, such as {@code K0101}. */
    public String code() {
        return code;
    }
}
