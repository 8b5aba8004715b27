package dev.gateway.node.server.tls;

import dev.gateway.config.CertificatePair;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * The PEM reading of the TLS listener ({@link PemFiles}, {@link CertifiedKey}) for other parts of
 * the node: the upstream client's trusted CAs and client certificate. Every failure is an
 * {@link IOException} whose message starts with the file's path and says what is wrong with it.
 */
public final class PemCredentials {
    private static final String CLIENT_ALIAS = "client";

    private PemCredentials() {
    }

    /** Every certificate of a PEM file, in file order (a CA bundle, or a chain leaf first). */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        return PemFiles.certificates(file);
    }

    /** Checks that {@code file} holds one readable PKCS#8 RSA or EC private key. */
    public static void checkPrivateKey(Path file) throws IOException {
        PemFiles.privateKey(file);
    }

    /**
     * A key manager that offers the chain of {@code cert} with the key of {@code key} whenever a
     * TLS server asks this side for a certificate of that key's type, whatever issuers it names.
     *
     * @throws IOException naming the file at fault, also when the key does not belong to the chain's first certificate
     */
    public static X509KeyManager clientKeyManager(Path cert, Path key) throws IOException {
        CertifiedKey loaded = CertifiedKey.load(new CertificatePair(cert.toString(), key.toString()), CLIENT_ALIAS);
        return new SingleClientKey(loaded.key(), loaded.chain());
    }

    /** One client certificate chain and its key; no server side. */
    private static final class SingleClientKey extends X509ExtendedKeyManager {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        SingleClientKey(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        private String aliasFor(String[] keyTypes) {
            if (keyTypes != null) {
                for (String type : keyTypes) {
                    if (key.getAlgorithm().equals(type)) {
                        return CLIENT_ALIAS;
                    }
                }
            }
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return key.getAlgorithm().equals(keyType) ? new String[] {CLIENT_ALIAS} : null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return aliasFor(keyTypes);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return aliasFor(keyTypes);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return CLIENT_ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return CLIENT_ALIAS.equals(alias) ? key : null;
        }
    }
}
