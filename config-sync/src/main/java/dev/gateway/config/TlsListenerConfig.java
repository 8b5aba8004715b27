package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.List;

/**
 * The optional TLS-terminating listener; the certificate is chosen by SNI, the first one is the default.
 *
 * @param hsts the {@code Strict-Transport-Security} header of answers over TLS; null: none
 */
public record TlsListenerConfig(HostPort listen, List<CertificatePair> certificates, Hsts hsts) {
    /** {@code Strict-Transport-Security: max-age=<maxAge>[; includeSubDomains][; preload]}. */
    public record Hsts(java.time.Duration maxAge, boolean includeSubdomains, boolean preload) {
        public Hsts {
            Check.notNull(maxAge, "maxAge");
            Check.that(!maxAge.isNegative(), "maxAge", maxAge, ">= 0s");
        }

        /** The header value. */
        public String headerValue() {
            return "max-age=" + maxAge.toSeconds() + (includeSubdomains ? "; includeSubDomains" : "")
                    + (preload ? "; preload" : "");
        }
    }

    public TlsListenerConfig(HostPort listen, List<CertificatePair> certificates) {
        this(listen, certificates, null);
    }

    public TlsListenerConfig {
        Check.notNull(listen, "listen");
        certificates = Check.list(certificates, "certificates");
        Check.that(!certificates.isEmpty(), "certificates", "[]", "at least one {cert, key}");
    }
}
