package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.List;

/**
 * The optional TLS-terminating listener; the certificate is chosen by SNI, the first one is the default.
 *
 * @param hsts         the {@code Strict-Transport-Security} header of answers over TLS; null: none
 * @param redirectHost where {@code redirect-to-https} sends requests of routes without a host condition (optional)
 */
public record TlsListenerConfig(HostPort listen, List<CertificatePair> certificates, Hsts hsts, String redirectHost) {
    private static final java.util.regex.Pattern REDIRECT_HOST = java.util.regex.Pattern.compile(
            "([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])"
                    + "(:[0-9]{1,5})?");

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
        this(listen, certificates, null, null);
    }

    public TlsListenerConfig(HostPort listen, List<CertificatePair> certificates, Hsts hsts) {
        this(listen, certificates, hsts, null);
    }

    /**
     * @param redirectHost the {@code host} or {@code host:port} of the {@code Location} that {@code redirect-to-https}
     *                     routes without a host condition answer with; null: such routes do not redirect (421)
     */
    public TlsListenerConfig {
        Check.notNull(listen, "listen");
        certificates = Check.list(certificates, "certificates");
        Check.that(!certificates.isEmpty(), "certificates", "[]", "at least one {cert, key}");
        Check.that(redirectHost == null || REDIRECT_HOST.matcher(redirectHost).matches(), "redirectHost", redirectHost,
                "a host name or IP literal, with an optional :port, e.g. api.example.com or api.example.com:8443");
    }
}
