package dev.gateway.node.routing;

import dev.gateway.config.PathSettings;
import dev.gateway.config.PathSettings.EscapedSlashes;
import java.nio.charset.StandardCharsets;

/**
 * Normalizes a request path before routing, as RFC 3986 section 6.2.2 says, so that the gateway routes the path
 * it forwards and no upstream can read a different one:
 * <ol>
 *   <li>percent-encoded unreserved characters are decoded ({@code %61} is {@code a}, {@code %2E} is {@code .});
 *       every other percent-encoding is kept, its hex digits upper-cased ({@code %c3%a9} is {@code %C3%A9});
 *       characters a path may not hold (non-ASCII bytes, {@code "}, {@code <}, {@code |}, {@code #}...) are
 *       percent-encoded;</li>
 *   <li>{@code %2F}, {@code %5C} and a literal backslash: refused under {@code reject}; left encoded (a literal
 *       backslash becomes {@code %5C}) under {@code keep}, so they are data, not separators; under
 *       {@code decode} all three become {@code /} before the path is split into segments (a backslash is a
 *       separator to many servers: IIS, Tomcat on Windows, some Spring setups);</li>
 *   <li>dot segments are removed (RFC 3986 5.2.4), encoded ones too, since decoding came first;</li>
 *   <li>with {@code merge-slashes}, empty segments go ({@code //} is {@code /}), before dot segments are
 *       removed, as nginx does.</li>
 * </ol>
 * Refused (the caller answers 400 with {@link #refusal}): a path that does not start with {@code /}; a
 * {@code %} not followed by two hex digits; a control character or space; a dot segment with a path parameter
 * ({@code /..;/}, {@code /.;x/}: Tomcat reads it as a dot segment); a double-encoded dot ({@code %252E}, also
 * {@code %25252E}...), which a server that decodes twice reads as a dot; and, unless {@code keep}, a
 * double-encoded slash or backslash ({@code %252F}, {@code %255C}).
 *
 * <p>The result is a fixed point: normalizing it again gives it back. Immutable and thread-safe; a path that
 * needs no change is returned as the same instance, without allocating.
 */
public final class PathNormalizer {
    /** Characters a path segment may hold as they are (RFC 3986 pchar, less pct-encoded), and {@code /}. */
    private static final boolean[] PATH_CHARS = new boolean[128];
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    static {
        for (char c : ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"
                + "!$&'()*+,;=:@/").toCharArray()) {
            PATH_CHARS[c] = true;
        }
    }

    private final boolean mergeSlashes;
    private final EscapedSlashes escapedSlashes;

    public PathNormalizer(PathSettings settings) {
        this.mergeSlashes = settings.mergeSlashes();
        this.escapedSlashes = settings.escapedSlashes();
    }

    /** Merges slashes, rejects escaped ones. */
    public static PathNormalizer defaults() {
        return new PathNormalizer(PathSettings.defaults());
    }

    /**
     * The normalized path of {@code raw} (the request target's path as received, one char per byte, without
     * query), or null when it is refused: {@link #refusal} then says why. Never throws.
     */
    public String normalize(String raw) {
        return run(raw, false);
    }

    /** Why {@code raw} is refused, for the 400's message; null when it is not. Never throws. */
    public String refusal(String raw) {
        return run(raw, true);
    }

    /** @return with {@code explain}: the reason, or null when fine; without: the path, or null when refused */
    private String run(String raw, boolean explain) {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            return refused(explain, "request target must be an absolute path");
        }
        if (plain(raw)) {
            return explain ? null : raw;
        }
        StringBuilder decoded = new StringBuilder(raw.length() + 8);
        int length = raw.length();
        for (int i = 0; i < length; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 1 < length ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = i + 2 < length ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0 || raw.charAt(i + 1) > 'f' || raw.charAt(i + 2) > 'f') {
                    return refused(explain, "invalid percent-encoding in path (expected: % and two hex digits)");
                }
                i += 2;
                int value = hi * 16 + lo;
                if (value == '/' || value == '\\') {
                    if (escapedSlashes == EscapedSlashes.REJECT) {
                        return refused(explain, value == '/' ? "encoded slash (%2F) in path" : "encoded backslash (%5C) in path");
                    }
                    if (escapedSlashes == EscapedSlashes.DECODE) {
                        decoded.append('/');
                    } else {
                        escape(decoded, value);
                    }
                } else if (value < 128 && unreserved((char) value)) {
                    decoded.append((char) value);
                } else {
                    escape(decoded, value);
                }
            } else if (c == '\\') {
                if (escapedSlashes == EscapedSlashes.REJECT) {
                    return refused(explain, "backslash in path");
                }
                if (escapedSlashes == EscapedSlashes.DECODE) {
                    decoded.append('/');
                } else {
                    escape(decoded, '\\');
                }
            } else if (c <= ' ' || c == 0x7f) {
                return refused(explain, "control character or space in path");
            } else if (c < 128 && PATH_CHARS[c]) {
                decoded.append(c);
            } else if (c <= 0xff) {
                escape(decoded, c); // one byte: the target is read one char per byte
            } else {
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    escape(decoded, b & 0xff);
                }
            }
        }
        String doubleEncoded = doubleEncoded(decoded);
        if (doubleEncoded != null) {
            return refused(explain, doubleEncoded);
        }
        return segments(decoded.toString(), explain);
    }

    /** Dot segments (and, when merging, empty segments) removed; a dot segment with a parameter refused. */
    private String segments(String decoded, boolean explain) {
        String[] segments = decoded.substring(1).split("/", -1);
        String[] out = new String[segments.length];
        int n = 0;
        boolean trailingSlash = false;
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            int semicolon = segment.indexOf(';');
            if (semicolon >= 0) {
                String base = segment.substring(0, semicolon);
                if (base.equals(".") || base.equals("..")) {
                    return refused(explain, "path parameter on a dot segment (" + base + ";) in path");
                }
            }
            if (segment.isEmpty() && mergeSlashes && !last) {
                continue;
            }
            if (segment.equals(".")) {
                trailingSlash = last;
            } else if (segment.equals("..")) {
                if (n > 0) {
                    n--;
                }
                trailingSlash = last;
            } else {
                out[n++] = segment;
                trailingSlash = false;
            }
        }
        if (explain) {
            return null;
        }
        StringBuilder path = new StringBuilder(decoded.length());
        for (int i = 0; i < n; i++) {
            path.append('/').append(out[i]);
        }
        if (trailingSlash || path.length() == 0) {
            path.append('/');
        }
        return path.toString();
    }

    /**
     * A {@code %25} (any number of them) that encodes the encoding of a dot, or of a slash or backslash unless
     * they are kept: a server that decodes twice would read a dot segment or a separator the gateway did not.
     */
    private String doubleEncoded(StringBuilder s) {
        for (int i = s.indexOf("%25"); i >= 0 && i < s.length(); i = s.indexOf("%25", i + 1)) {
            int j = i + 3;
            while (j + 1 < s.length() && s.charAt(j) == '2' && s.charAt(j + 1) == '5') {
                j += 2;
            }
            if (j + 1 >= s.length()) {
                return null;
            }
            char a = s.charAt(j);
            char b = Character.toUpperCase(s.charAt(j + 1));
            if (a == '2' && b == 'E') {
                return "double-encoded dot (%252E) in path";
            }
            if (escapedSlashes != EscapedSlashes.KEEP && (a == '2' && b == 'F' || a == '5' && b == 'C')) {
                return "double-encoded slash or backslash (%252F, %255C) in path";
            }
        }
        return null;
    }

    /** Nothing to do: path characters only, no {@code %}, no dot segment, no {@code //} when merging. */
    private boolean plain(String raw) {
        char previous = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= 128 || !PATH_CHARS[c]) {
                return false;
            }
            if (previous == '/' && (c == '.' || (c == '/' && mergeSlashes))) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    /**
     * {@code path} without its path parameters ({@code /a;v=1/b;x} gives {@code /a/b}): the path Tomcat and Spring
     * route, whatever the parameters say. The same instance when it has none.
     */
    public static String withoutParameters(String path) {
        int semicolon = path.indexOf(';');
        if (semicolon < 0) {
            return path;
        }
        StringBuilder bare = new StringBuilder(path.length());
        boolean skipping = false;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '/') {
                skipping = false;
            } else if (c == ';') {
                skipping = true;
            }
            if (!skipping) {
                bare.append(c);
            }
        }
        return bare.toString();
    }

    private static boolean unreserved(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static void escape(StringBuilder sb, int value) {
        sb.append('%').append(HEX[value >> 4]).append(HEX[value & 0xf]);
    }

    private static String refused(boolean explain, String reason) {
        return explain ? reason : null;
    }
}
