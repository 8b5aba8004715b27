package dev.gateway.node.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads and removes one parameter of a raw query string (route query conditions, the API key's {@code auth.api-key.query}). */
public final class QueryParameters {
    private QueryParameters() {
    }

    /** The first value of {@code name}, decoded, or null; a parameter without {@code =} has value "". */
    public static String get(String query, String name) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        int start = 0;
        while (start <= query.length()) {
            int end = end(query, start);
            int eq = query.indexOf('=', start);
            boolean hasValue = eq >= 0 && eq < end;
            if (decode(query.substring(start, hasValue ? eq : end)).equals(name)) {
                return hasValue ? decode(query.substring(eq + 1, end)) : "";
            }
            start = end + 1;
        }
        return null;
    }

    /** {@code query} without any {@code name} parameter, the rest byte for byte; null when nothing is left. */
    public static String without(String query, String name) {
        if (query == null || query.isEmpty()) {
            return query;
        }
        StringBuilder kept = new StringBuilder(query.length());
        int start = 0;
        while (start <= query.length()) {
            int end = end(query, start);
            int eq = query.indexOf('=', start);
            String key = query.substring(start, eq >= 0 && eq < end ? eq : end);
            if (!decode(key).equals(name)) {
                if (kept.length() > 0) {
                    kept.append('&');
                }
                kept.append(query, start, end);
            }
            start = end + 1;
        }
        return kept.length() == 0 ? null : kept.toString();
    }

    private static int end(String query, int start) {
        int end = query.indexOf('&', start);
        return end < 0 ? query.length() : end;
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
