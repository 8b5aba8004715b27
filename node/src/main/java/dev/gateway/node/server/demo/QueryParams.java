package dev.gateway.node.server.demo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** The demo's query parsing: first value of a parameter, decoded. */
final class QueryParams {
    private QueryParams() {
    }

    static String get(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
