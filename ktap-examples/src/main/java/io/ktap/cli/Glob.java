package io.ktap.cli;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A ktap glob: {@code *} matches any run of characters, {@code ?} any one character, everything
 * else itself. {@code syscalls:sys_enter_*} matches {@code syscalls:sys_enter_openat}.
 */
public final class Glob {

    private final String text;
    private final Pattern pattern;

    private Glob(String text) {
        this.text = text;
        StringBuilder re = new StringBuilder();
        int literalStart = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?') {
                if (i > literalStart) {
                    re.append(Pattern.quote(text.substring(literalStart, i)));
                }
                re.append(c == '*' ? ".*" : ".");
                literalStart = i + 1;
            }
        }
        if (literalStart < text.length()) {
            re.append(Pattern.quote(text.substring(literalStart)));
        }
        this.pattern = Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** The glob spelled {@code text}. */
    public static Glob of(String text) {
        return new Glob(Objects.requireNonNull(text, "text"));
    }

    /** Whether the whole of {@code s} matches. */
    public boolean matches(String s) {
        return pattern.matcher(s).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
