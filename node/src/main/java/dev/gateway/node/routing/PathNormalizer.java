package dev.gateway.node.routing;

/**
 * Normalizes a request path before routing, so that {@code /api/../admin} cannot reach a route
 * the client would not match by its plain path: removes dot segments (RFC 3986 5.2.4), treating
 * a percent-encoded dot ({@code %2e}) as a dot. Everything else stays percent-encoded as sent:
 * the upstream receives the same bytes it would have received directly.
 */
public final class PathNormalizer {
    private PathNormalizer() {
    }

    /** The normalized path, or null when {@code raw} is not an origin-form path. */
    public static String normalize(String raw) {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            return null;
        }
        if (!needsWork(raw)) {
            return raw;
        }
        String[] segments = raw.substring(1).split("/", -1);
        String[] out = new String[segments.length];
        int n = 0;
        boolean trailingSlash = false;
        for (int i = 0; i < segments.length; i++) {
            String segment = decodeDots(segments[i]);
            boolean lastSegment = i == segments.length - 1;
            if (segment.equals(".")) {
                trailingSlash = lastSegment;
            } else if (segment.equals("..")) {
                if (n > 0) {
                    n--;
                }
                trailingSlash = lastSegment;
            } else {
                out[n++] = segments[i];
                trailingSlash = false;
            }
        }
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < n; i++) {
            sb.append('/').append(out[i]);
        }
        if (trailingSlash || sb.length() == 0) {
            sb.append('/');
        }
        return sb.toString();
    }

    private static boolean needsWork(String raw) {
        return raw.contains("/.") || raw.contains("%2e") || raw.contains("%2E");
    }

    private static String decodeDots(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        String lower = segment.toLowerCase();
        if (lower.equals("%2e")) {
            return ".";
        }
        if (lower.equals("%2e%2e") || lower.equals(".%2e") || lower.equals("%2e.")) {
            return "..";
        }
        return segment;
    }
}
