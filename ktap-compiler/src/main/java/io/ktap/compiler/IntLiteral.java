package io.ktap.compiler;

import java.util.regex.Pattern;

/**
 * Validates and converts the spelling of a number token. ktap numbers are 64-bit signed integers:
 * decimal ({@code 42}), hexadecimal ({@code 0x2a}) or octal with a leading zero ({@code 052}).
 * Hexadecimal and octal literals may use all 64 bits ({@code 0xffffffffffffffff} is -1), decimal
 * literals must fit in a signed long, except {@code 9223372036854775808} right after a unary minus.
 */
final class IntLiteral {

    private static final Pattern FLOAT = Pattern.compile("[0-9]*\\.[0-9]*([eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+");

    /** The value, or the error when {@code error} is not null. */
    record Result(long value, ErrorCode error, String message) {
        boolean ok() {
            return error == null;
        }
    }

    private IntLiteral() {
    }

    /** Parses {@code text}; {@code negated} when a unary minus directly precedes the literal. */
    static Result parse(String text, boolean negated) {
        if (text.length() > 2 && text.charAt(0) == '0' && (text.charAt(1) | 0x20) == 'x') {
            return unsigned(text, text.substring(2), 16, negated, "hexadecimal");
        }
        if (!allDigits(text) && FLOAT.matcher(text).matches()) {
            return error(ErrorCode.FLOAT_LITERAL,
                    "floating-point number '" + text + "' is not supported: ktap numbers are 64-bit integers");
        }
        if (text.length() > 1 && text.charAt(0) == '0') {
            return unsigned(text, text.substring(1), 8, negated, "octal");
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Lexer.isDigit(c)) {
                return malformed(text);
            }
            int d = c - '0';
            // Accumulate negatively so that -9223372036854775808 fits.
            if (value < (Long.MIN_VALUE + d) / 10) {
                return tooLarge(text);
            }
            value = value * 10 - d;
        }
        if (negated) {
            return new Result(value, null, null);
        }
        if (value == Long.MIN_VALUE) {
            return tooLarge(text);
        }
        return new Result(-value, null, null);
    }

    private static boolean allDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!Lexer.isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static Result unsigned(String text, String digits, int radix, boolean negated, String what) {
        if (digits.isEmpty()) {
            return malformed(text);
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), radix);
            if (d < 0) {
                char c = digits.charAt(i);
                if (radix == 8 && Lexer.isDigit(c)) {
                    return error(ErrorCode.MALFORMED_NUMBER, "invalid digit '" + c + "' in octal number '" + text + "'");
                }
                return malformed(text);
            }
            if (Long.compareUnsigned(value, Long.divideUnsigned(-1L, radix)) > 0) {
                return tooLarge(text);
            }
            long next = value * radix + d;
            if (Long.compareUnsigned(next, value * radix) < 0) {
                return tooLarge(text);
            }
            value = next;
        }
        return new Result(negated ? -value : value, null, null);
    }

    private static Result malformed(String text) {
        return error(ErrorCode.MALFORMED_NUMBER, "malformed number '" + text + "'");
    }

    private static Result tooLarge(String text) {
        return error(ErrorCode.INTEGER_TOO_LARGE, "integer literal '" + text + "' does not fit in 64 bits");
    }

    private static Result error(ErrorCode code, String message) {
        return new Result(0, code, message);
    }
}
