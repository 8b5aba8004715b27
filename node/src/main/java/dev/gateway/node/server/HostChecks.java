package dev.gateway.node.server;

import java.nio.charset.StandardCharsets;

/**
 * The Host checks of {@link HeadScanner}, on the raw bytes of a request head: one Host line, a valid value, and
 * the same authority as an absolute-form target (RFC 9112 3.2, 3.2.2), which Grizzly would otherwise silently
 * put in place of the Host header. Each returns one of {@link HeadScanner}'s verdicts.
 */
final class HostChecks {
    private static final byte[] HTTP = "http".getBytes();
    private static final byte[] HTTP_SCHEME = "http://".getBytes();
    private static final byte[] HTTPS_SCHEME = "https://".getBytes();
    /** Bytes of a Host value: unreserved, pct-encoded and sub-delims (reg-name), ':' (port), '[' ']' (IP-literal). */
    private static final boolean[] HOST_CHARS = new boolean[128];

    static {
        for (char c : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%!$&'()*+,;=:[]".toCharArray()) {
            HOST_CHARS[c] = true;
        }
    }

    private HostChecks() {
    }

    /**
     * Notes the authority of an absolute-form target ({@code http://host[:port]/...}, RFC 9112 3.2.2), which
     * Grizzly would silently put in place of the Host header. A target that Grizzly would take for absolute-form
     * ({@code http...://}) with another scheme, an empty or invalid host, or userinfo is refused.
     */
    static int requestTarget(HeadState s, byte[] line, int length) {
        int start = 0;
        while (line[start] != ' ') {
            start++;
        }
        start++;
        int end = start;
        while (line[end] != ' ') {
            end++;
        }
        if (line[start] == '/' || !HeadScanner.startsWithIgnoreCase(line, start, end, HTTP)) {
            return HeadScanner.MORE;
        }
        int authority;
        if (HeadScanner.startsWithIgnoreCase(line, start, end, HTTP_SCHEME)) {
            authority = start + HTTP_SCHEME.length;
        } else if (HeadScanner.startsWithIgnoreCase(line, start, end, HTTPS_SCHEME)) {
            authority = start + HTTPS_SCHEME.length;
            s.targetHttps = true;
        } else {
            return indexOf(line, start, end, (byte) ':') >= 0 ? HeadScanner.BAD_TARGET_AUTHORITY : HeadScanner.MORE;
        }
        int authorityEnd = authority;
        while (authorityEnd < end && line[authorityEnd] != '/' && line[authorityEnd] != '?' && line[authorityEnd] != '#') {
            authorityEnd++;
        }
        if (authorityEnd == authority || !validHost(line, authority, authorityEnd)) {
            return HeadScanner.BAD_TARGET_AUTHORITY;
        }
        s.targetAuthority = new String(line, authority, authorityEnd - authority, StandardCharsets.ISO_8859_1);
        return HeadScanner.MORE;
    }

    /** A Host line: the first and only one, a valid value, the same authority as an absolute-form target. */
    static int host(HeadState s, byte[] line, int from, int to) {
        if (++s.hosts > 1) {
            return HeadScanner.DUPLICATE_HOST;
        }
        while (from < to && (line[from] == ' ' || line[from] == '\t')) {
            from++;
        }
        while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) {
            to--;
        }
        if (!validHost(line, from, to)) {
            return HeadScanner.BAD_HOST;
        }
        if (s.targetAuthority != null && !sameAuthority(s.targetAuthority,
                new String(line, from, to - from, StandardCharsets.ISO_8859_1), s.targetHttps ? ":443" : ":80")) {
            return HeadScanner.HOST_MISMATCH;
        }
        return HeadScanner.MORE;
    }

    /** {@code uri-host [":" port]} as bytes: reg-name, IPv4 or IP-literal characters and a colon; empty allowed. */
    private static boolean validHost(byte[] line, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = line[i];
            if (c < 0 || !HOST_CHARS[c]) {
                return false;
            }
        }
        return true;
    }

    /** Equal ignoring case, a default port written on one side and not the other included. */
    private static boolean sameAuthority(String a, String b, String defaultPort) {
        if (a.equalsIgnoreCase(b)) {
            return true;
        }
        return withoutSuffix(a, defaultPort).equalsIgnoreCase(withoutSuffix(b, defaultPort));
    }

    private static String withoutSuffix(String s, String suffix) {
        return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
    }

    private static int indexOf(byte[] line, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (line[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
