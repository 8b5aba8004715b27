package dev.gateway.node.server;

import dev.gateway.config.ClientAddressConfig;
import dev.gateway.config.IpAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Picks the client out of the {@code forwarded-header} of {@code node.client-address}, for
 * peers that are trusted balancers in HTTP mode. Each proxy appends the address it received the
 * request from, so reading from the right, every address up to the first untrusted one was
 * written by a trusted proxy, and that first untrusted one is the client; what lies left of it
 * was written by the client or on its behalf, and is never believed.
 * <ul>
 *   <li>All entries trusted: the left-most one.</li>
 *   <li>An entry that is not an IP address ({@code unknown}, an obfuscated identifier, garbage):
 *       the walk stops there and the client is the last trusted address read (the peer itself
 *       when it is the right-most entry), the nearest hop that a trusted proxy vouched for.</li>
 *   <li>Empty list elements are skipped; several header lines read as one list, in order.</li>
 * </ul>
 * Entries: {@code X-Forwarded-For} style ({@code 192.0.2.1}, {@code 192.0.2.1:4711},
 * {@code 2001:db8::1}, {@code [2001:db8::1]:4711}); when the header is {@code Forwarded}, the
 * {@code for=} parameter of each RFC 7239 element (quoted or not). Pure and thread-safe.
 */
final class ForwardedClient {
    /** Entries read at most, from the right: a longer chain says nothing more about the client. */
    static final int MAX_ENTRIES = 64;

    private final ClientAddressConfig config;
    private final boolean rfc7239;

    ForwardedClient(ClientAddressConfig config) {
        this.config = config;
        this.rfc7239 = "forwarded".equals(config.forwardedHeader().toLowerCase(Locale.ROOT));
    }

    /**
     * @param peer   the trusted peer the request came from (socket or PROXY address), as shown everywhere
     * @param values the header's values in arrival order (none: the peer is the client)
     * @return the client address, formatted like {@link IpAddresses#format}
     */
    String client(String peer, List<String> values) {
        List<String> entries = entries(values);
        String client = peer;
        for (int i = entries.size() - 1; i >= 0 && entries.size() - i <= MAX_ENTRIES; i--) {
            InetAddress address = rfc7239 ? forwardedFor(entries.get(i)) : address(entries.get(i));
            if (address == null) {
                return client;
            }
            client = IpAddresses.format(address);
            if (!config.trusts(address)) {
                return client;
            }
        }
        return client;
    }

    private static List<String> entries(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            for (String e : v.split(",", -1)) {
                String t = e.strip();
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** An address with an optional port: {@code a.b.c.d}, {@code a.b.c.d:p}, {@code v6}, {@code [v6]}, {@code [v6]:p}. */
    static InetAddress address(String entry) {
        String e = entry;
        if (e.startsWith("[")) {
            int close = e.indexOf(']');
            if (close < 0 || !(close == e.length() - 1 || validPort(e, close + 1))) {
                return null;
            }
            e = e.substring(1, close);
            return e.indexOf(':') >= 0 ? IpAddresses.parse(e) : null;
        }
        int colon = e.indexOf(':');
        if (colon >= 0 && colon == e.lastIndexOf(':')) { // one colon: IPv4 and a port
            if (!validPort(e, colon)) {
                return null;
            }
            e = e.substring(0, colon);
        }
        return IpAddresses.parse(e);
    }

    private static boolean validPort(String s, int colon) {
        int digits = s.length() - colon - 1;
        if (s.charAt(colon) != ':' || digits < 1 || digits > 5) {
            return false;
        }
        for (int i = colon + 1; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(s.substring(colon + 1)) <= 65535;
    }

    /** The address of an RFC 7239 element's {@code for=} parameter, or null. */
    static InetAddress forwardedFor(String element) {
        for (String pair : element.split(";", -1)) {
            String p = pair.strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase("for")) {
                String v = p.substring(eq + 1).strip();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v.startsWith("[") || v.indexOf(':') < 0 || v.indexOf(':') == v.lastIndexOf(':') ? address(v) : null;
            }
        }
        return null;
    }
}
