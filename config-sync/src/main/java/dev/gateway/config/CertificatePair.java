package dev.gateway.config;

import dev.gateway.config.internal.Check;

/** A PEM certificate chain file and its PEM private key file (paths relative to the working directory). */
public record CertificatePair(String cert, String key) {
    public CertificatePair {
        Check.that(cert != null && !cert.isBlank(), "cert", cert, "a file path");
        Check.that(key != null && !key.isBlank(), "key", key, "a file path");
    }
}
