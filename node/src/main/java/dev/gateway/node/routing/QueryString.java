package dev.gateway.node.routing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads one parameter from a raw query string, decoded; only routes with query conditions pay for it. */
final class QueryString {
    private QueryString() {
    }

    /** The first value of {@code name}, decoded, or null; a parameter without {@code =} has value "". */
    static String get(String query, String name) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            int eq = query.indexOf('=', start);
            String key;
            String value;
            if (eq < 0 || eq > end) {
                key = query.substring(start, end);
                value = "";
            } else {
                key = query.substring(start, eq);
                value = query.substring(eq + 1, end);
            }
            if (decode(key).equals(name)) {
                return decode(value);
            }
            start = end + 1;
        }
        return null;
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
