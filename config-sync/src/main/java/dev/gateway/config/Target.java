package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.net.URI;

/**
 * One upstream server: an {@code http} or {@code https} URL with a host, an optional port (80/443 by
 * default) and an optional base path that is prepended to forwarded paths; no query, fragment or user info.
 */
public record Target(URI url, int weight) {
    public Target {
        Check.notNull(url, "url");
        String scheme = url.getScheme();
        Check.that(("http".equals(scheme) || "https".equals(scheme)) && !url.isOpaque() && url.getHost() != null
                        && url.getRawQuery() == null && url.getRawFragment() == null && url.getRawUserInfo() == null,
                "url", url.toString(), "http(s)://host[:port][/base-path] without query or fragment");
        Check.atLeast(weight, 1, "weight");
    }

    /** @throws IllegalArgumentException when the text is not an acceptable target URL */
    public static Target of(String url, int weight) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("url: '" + url + "' (expected: an URL such as http://127.0.0.1:9001)");
        }
        return new Target(uri, weight);
    }

    public String host() {
        return url.getHost();
    }

    public int port() {
        return url.getPort() >= 0 ? url.getPort() : tls() ? 443 : 80;
    }

    public boolean tls() {
        return "https".equals(url.getScheme());
    }

    /** The path prefix without a trailing slash, {@code ""} when none or "/". */
    public String basePath() {
        String p = url.getRawPath();
        if (p == null || p.isEmpty() || p.equals("/")) {
            return "";
        }
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
