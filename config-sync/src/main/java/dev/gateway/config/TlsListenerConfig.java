package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.List;

/** The optional TLS-terminating listener; the certificate is chosen by SNI, the first one is the default. */
public record TlsListenerConfig(HostPort listen, List<CertificatePair> certificates) {
    public TlsListenerConfig {
        Check.notNull(listen, "listen");
        certificates = Check.list(certificates, "certificates");
        Check.that(!certificates.isEmpty(), "certificates", "[]", "at least one {cert, key}");
    }
}
