package dev.gateway.node.routing;

import dev.gateway.config.PathPattern;
import java.util.regex.Pattern;

/**
 * One route's path condition. Exact paths compare whole; a prefix {@code /a/**} matches
 * {@code /a} and everything below {@code /a/} but not {@code /ab}; a regex ({@code ~...}) is
 * searched in the path as nginx does, so anchor it with {@code ^...$} to match the whole path.
 */
final class PathMatcher {
    private final PathPattern.Kind kind;
    private final String value;
    private final Pattern regex;

    PathMatcher(PathPattern pattern) {
        this.kind = pattern.kind();
        this.value = pattern.value();
        this.regex = kind == PathPattern.Kind.REGEX ? pattern.regex() : null;
    }

    boolean matches(String path) {
        return switch (kind) {
            case EXACT -> path.equals(value);
            case PREFIX -> value.isEmpty()
                    || (path.startsWith(value)
                        && (path.length() == value.length() || path.charAt(value.length()) == '/'));
            case REGEX -> regex.matcher(path).find();
        };
    }

    /** Higher is more specific: exact, then regex, then prefixes by length. */
    int specificity() {
        return switch (kind) {
            case EXACT -> 3_000_000;
            case REGEX -> 2_000_000;
            case PREFIX -> 1_000_000 + value.length();
        };
    }
}
