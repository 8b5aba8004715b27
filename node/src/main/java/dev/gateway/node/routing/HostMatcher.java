package dev.gateway.node.routing;

import java.util.Locale;

/** Matches the request's host (port removed, case-insensitive): exact, or {@code *.example.com} for any subdomain. */
record HostMatcher(String pattern, boolean wildcard, String suffix) {

    static HostMatcher of(String pattern) {
        if (pattern == null) {
            return null;
        }
        String p = pattern.toLowerCase(Locale.ROOT);
        return p.startsWith("*.") ? new HostMatcher(p, true, p.substring(1)) : new HostMatcher(p, false, null);
    }

    boolean matches(String host) {
        if (host == null) {
            return false;
        }
        return wildcard
                ? host.length() > suffix.length() && host.endsWith(suffix)
                : host.equals(pattern);
    }

    /** The host of a Host header value: lower-cased, without port, IPv6 brackets kept. */
    static String hostOf(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty()) {
            return null;
        }
        String h = hostHeader;
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon && (h.charAt(0) != '[' || h.charAt(colon - 1) == ']')) {
            h = h.substring(0, colon);
        }
        return h.toLowerCase(Locale.ROOT);
    }
}
