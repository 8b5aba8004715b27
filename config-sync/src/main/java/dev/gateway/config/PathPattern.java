package dev.gateway.config;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A route's path pattern. Config syntax: {@code /api/v1/users/**} is a {@link Kind#PREFIX} with value
 * {@code /api/v1/users} (matches {@code /api/v1/users} and {@code /api/v1/users/...}, not
 * {@code /api/v1/usersX}); {@code /**} matches everything; {@code ~^/users/[0-9]+$} is a {@link Kind#REGEX}
 * (found anywhere in the path unless anchored); anything else is {@link Kind#EXACT}.
 */
public record PathPattern(Kind kind, String value) {
    public enum Kind { EXACT, PREFIX, REGEX }

    public PathPattern {
        if (kind == null || value == null) {
            throw new IllegalArgumentException("path: null (expected: a path pattern)");
        }
        switch (kind) {
            case EXACT -> require(value.startsWith("/") && !value.contains("*") && noSpace(value), value,
                    "an absolute path such as /health");
            case PREFIX -> require((value.isEmpty() || (value.startsWith("/") && !value.endsWith("/")))
                    && !value.contains("*") && noSpace(value), value + "/**", "/<prefix>/** or /**");
            case REGEX -> {
                try {
                    Pattern.compile(value);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("path: '~" + value + "' (expected: a valid regex: "
                            + e.getDescription() + " near index " + e.getIndex() + ")");
                }
            }
        }
    }

    /** @throws IllegalArgumentException when the text is none of the syntaxes above or the regex does not compile */
    public static PathPattern parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("path: '' (expected: /exact, /prefix/**, /** or ~regex)");
        }
        if (text.startsWith("~")) {
            return new PathPattern(Kind.REGEX, text.substring(1));
        }
        if (text.endsWith("/**")) {
            return new PathPattern(Kind.PREFIX, text.substring(0, text.length() - 3));
        }
        return new PathPattern(Kind.EXACT, text);
    }

    /** Whether a request path (raw, without query) matches. Compiles a regex on each call: use {@link #regex()} once. */
    public boolean matches(String path) {
        return switch (kind) {
            case EXACT -> path.equals(value);
            case PREFIX -> path.startsWith(value) && (path.length() == value.length() || path.charAt(value.length()) == '/');
            case REGEX -> regex().matcher(path).find();
        };
    }

    /** The compiled regex of a {@link Kind#REGEX} pattern (a new Pattern per call; compile once and keep it). */
    public Pattern regex() {
        if (kind != Kind.REGEX) {
            throw new IllegalStateException("not a regex pattern: " + this);
        }
        return Pattern.compile(value);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case EXACT -> value;
            case PREFIX -> value + "/**";
            case REGEX -> "~" + value;
        };
    }

    private static boolean noSpace(String s) {
        return s.chars().noneMatch(c -> c <= ' ' || c == '?' || c == '#');
    }

    private static void require(boolean ok, String shown, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("path: '" + shown + "' (expected: " + expected + ")");
        }
    }
}
