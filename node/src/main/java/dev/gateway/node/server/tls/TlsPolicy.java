package dev.gateway.node.server.tls;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;

/**
 * What the TLS listener negotiates: TLS 1.3 and 1.2 only; for 1.2, forward-secret ECDHE key
 * exchange with AEAD ciphers only (no RSA key exchange, no CBC, no NULL, EXPORT, RC4 or 3DES),
 * close to Mozilla's "intermediate" profile without its DHE suites. The order is the server's
 * preference: AES-GCM, which has hardware support, before ChaCha20.
 */
final class TlsPolicy {
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /**
     * Accepts every SNI host name (an unknown one gets the default certificate). Having a
     * matcher at all makes the JDK record the name in the session, and then refuse a TLS 1.2
     * resumption that asks for another name (RFC 6066 section 3). TLS 1.3 leaves that check to
     * the client (RFC 8446 4.6.1) and the JDK's server does not make it.
     */
    private static final SNIMatcher ANY_HOST_NAME = new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
        @Override
        public boolean matches(SNIServerName serverName) {
            return true;
        }
    };

    private TlsPolicy() {
    }

    /** Server parameters for engines of {@code context}: no client certificates. */
    static SSLParameters serverParameters(SSLContext context) {
        SSLParameters supported = context.getSupportedSSLParameters();
        Set<String> suites = Set.of(supported.getCipherSuites());
        Set<String> protocols = Set.of(supported.getProtocols());
        SSLParameters parameters = new SSLParameters(
                CIPHER_SUITES.stream().filter(suites::contains).toArray(String[]::new),
                PROTOCOLS.stream().filter(protocols::contains).toArray(String[]::new));
        if (parameters.getProtocols().length == 0 || parameters.getCipherSuites().length == 0) {
            throw new IllegalStateException("this JDK supports none of " + PROTOCOLS + " or " + CIPHER_SUITES
                    + " (it has " + Arrays.toString(supported.getProtocols()) + ")");
        }
        parameters.setUseCipherSuitesOrder(true);
        parameters.setSNIMatchers(List.of(ANY_HOST_NAME));
        parameters.setNeedClientAuth(false);
        parameters.setWantClientAuth(false);
        return parameters;
    }
}
