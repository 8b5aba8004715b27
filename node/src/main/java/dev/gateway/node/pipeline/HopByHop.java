package dev.gateway.node.pipeline;

import dev.gateway.node.http.Headers;

/**
 * Removes the hop-by-hop fields of RFC 9110 7.6.1 (and the legacy ones proxies agree on),
 * including every field named by {@code Connection}.
 */
final class HopByHop {
    private static final String[] FIELDS = {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade"
    };

    private HopByHop() {
    }

    static void strip(Headers headers) {
        for (String connection : headers.getAll("Connection")) {
            for (String token : connection.split(",")) {
                String name = token.trim();
                if (!name.isEmpty()) {
                    headers.remove(name);
                }
            }
        }
        for (String field : FIELDS) {
            headers.remove(field);
        }
    }
}
