package dev.gateway.node.pipeline;

import dev.gateway.node.http.Headers;

/**
 * The hop-by-hop fields of RFC 9110 7.6.1 (and the legacy ones proxies agree on), including
 * every field named by {@code Connection}: never forwarded in either direction. Classifying a
 * name costs a length switch and at most two case-insensitive compares, since every request
 * and response pays for it.
 */
public final class HopByHop {
    private HopByHop() {
    }

    /** Whether {@code name} is hop-by-hop by definition (not counting {@code Connection}'s list). */
    public static boolean isHopByHop(String name) {
        return switch (name.length()) {
            case 2 -> name.equalsIgnoreCase("TE");
            case 7 -> name.equalsIgnoreCase("Upgrade") || name.equalsIgnoreCase("Trailer");
            case 10 -> name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Keep-Alive");
            case 16 -> name.equalsIgnoreCase("Proxy-Connection");
            case 17 -> name.equalsIgnoreCase("Transfer-Encoding");
            default -> false;
        };
    }

    /** Removes every hop-by-hop field in place. */
    static void strip(Headers headers) {
        String connection = headers.get("Connection");
        headers.removeIf(HopByHop::isHopByHop);
        if (connection != null) {
            removeListed(headers, connection);
        }
    }

    /**
     * Removes the fields a {@code Connection} value names ({@code close} and {@code keep-alive} name none that
     * remain). {@code Host} is never removed: it names the target, not a connection option, and routing reads it.
     */
    public static void removeListed(Headers headers, String connection) {
        int start = 0;
        while (start < connection.length()) {
            int comma = connection.indexOf(',', start);
            int end = comma < 0 ? connection.length() : comma;
            String token = connection.substring(start, end).trim();
            if (!token.isEmpty() && !token.equalsIgnoreCase("Host")) {
                headers.remove(token);
            }
            start = end + 1;
        }
    }
}
