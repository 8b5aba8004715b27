package dev.gateway.config;

import dev.gateway.config.internal.Check;

/**
 * TLS towards an upstream: trusted CA file (JDK trust store when null), optional client certificate and key
 * (both or neither), host name verification (on by default).
 */
public record UpstreamTls(String ca, String cert, String key, boolean verifyHostname) {
    public UpstreamTls {
        Check.that(ca == null || !ca.isBlank(), "ca", ca, "a file path");
        Check.that((cert == null) == (key == null), "cert", cert, "cert and key together");
        Check.that(cert == null || !cert.isBlank(), "cert", cert, "a file path");
        Check.that(key == null || !key.isBlank(), "key", key, "a file path");
    }
}
