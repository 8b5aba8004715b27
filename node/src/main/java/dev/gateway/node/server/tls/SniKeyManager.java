package dev.gateway.node.server.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server key manager of a TLS listener: picks a certificate by the client's SNI name (see
 * {@link CertificateSet}) and swaps its whole set atomically on reload. A handshake in progress
 * during a swap still finds the alias it was given, since the set before the last swap is kept;
 * established connections never look here again. Thread-safe; server side only.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    private volatile CertificateSet current;
    private volatile CertificateSet previous;

    SniKeyManager(CertificateSet initial) {
        this.current = initial;
        this.previous = initial;
    }

    CertificateSet current() {
        return current;
    }

    /** Makes {@code next} the set every following handshake chooses from. */
    synchronized void swap(CertificateSet next) {
        previous = current;
        current = next;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType, socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null);
    }

    private String alias(String keyType, SSLSession handshake) {
        CertifiedKey chosen = current.choose(serverName(handshake), keyType);
        return chosen == null ? null : chosen.alias();
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        CertifiedKey key = lookup(alias);
        return key == null ? null : key.chain();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        CertifiedKey key = lookup(alias);
        return key == null ? null : key.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String[] aliases = current.keys().stream().filter(k -> k.keyType().equals(keyType))
                .map(CertifiedKey::alias).toArray(String[]::new);
        return aliases.length == 0 ? null : aliases;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    private CertifiedKey lookup(String alias) {
        if (alias == null) {
            return null;
        }
        CertifiedKey key = current.byAlias(alias);
        return key != null ? key : previous.byAlias(alias);
    }

    /** The SNI host name the client asked for, or null. */
    static String serverName(SSLSession handshake) {
        if (!(handshake instanceof ExtendedSSLSession extended)) {
            return null;
        }
        List<SNIServerName> names = extended.getRequestedServerNames();
        for (SNIServerName name : names) {
            if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                try {
                    return name instanceof SNIHostName host ? host.getAsciiName() : new SNIHostName(name.getEncoded()).getAsciiName();
                } catch (IllegalArgumentException e) {
                    return null; // not a valid host name: treated as no name
                }
            }
        }
        return null;
    }
}
