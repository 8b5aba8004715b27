package dev.gateway.node.compression;

import java.util.List;

/**
 * The media types of a route's {@code compression.types}: exact ({@code application/json}) or
 * a whole top-level type ({@code text/*}), matched case-insensitively against a Content-Type
 * without its parameters ({@code text/html; charset=utf-8} is {@code text/html}). Immutable.
 */
final class MediaTypes {
    private final String[] exact;
    /** Top-level types of the {@code type/*} patterns, each with its slash: {@code text/}. */
    private final String[] wildcards;

    MediaTypes(List<String> patterns) {
        this.exact = patterns.stream().filter(p -> !p.endsWith("/*")).toArray(String[]::new);
        this.wildcards = patterns.stream().filter(p -> p.endsWith("/*"))
                .map(p -> p.substring(0, p.length() - 1)).toArray(String[]::new);
    }

    /** Whether {@code contentType} (a Content-Type field value, or null) is one of these types. */
    boolean matches(String contentType) {
        if (contentType == null) {
            return false;
        }
        int start = 0;
        int end = contentType.indexOf(';');
        if (end < 0) {
            end = contentType.length();
        }
        while (start < end && isSpace(contentType.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(contentType.charAt(end - 1))) {
            end--;
        }
        int length = end - start;
        for (String type : exact) {
            if (type.length() == length && contentType.regionMatches(true, start, type, 0, length)) {
                return true;
            }
        }
        for (String prefix : wildcards) {
            if (prefix.length() < length && contentType.regionMatches(true, start, prefix, 0, prefix.length())
                    && contentType.lastIndexOf('/', end - 1) == start + prefix.length() - 1) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
