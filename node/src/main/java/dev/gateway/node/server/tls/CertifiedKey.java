package dev.gateway.node.server.tls;

import dev.gateway.config.CertificatePair;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One certificate chain with its private key, as loaded from a {@link CertificatePair}, and the
 * DNS names it serves (its subjectAltName DNS entries, lower case, {@code *.example.com}
 * wildcards kept as written). Immutable.
 *
 * @param alias  the key manager's name for it, unique within a node
 * @param source the files it came from, for logs
 */
record CertifiedKey(String alias, PrivateKey key, X509Certificate[] chain, List<String> dnsNames, String source) {
    private static final int DNS_NAME = 2;

    CertifiedKey {
        chain = chain.clone();
        dnsNames = List.copyOf(dnsNames);
    }

    @Override
    public X509Certificate[] chain() {
        return chain.clone();
    }

    X509Certificate leaf() {
        return chain[0];
    }

    /** The key's algorithm, as the JDK's TLS code names key types: {@code RSA} or {@code EC}. */
    String keyType() {
        return key.getAlgorithm();
    }

    /**
     * Reads both files and checks that the key belongs to the chain's first certificate.
     *
     * @throws IOException naming the file at fault and what is wrong with it
     */
    static CertifiedKey load(CertificatePair pair, String alias) throws IOException {
        Path certFile = Path.of(pair.cert());
        Path keyFile = Path.of(pair.key());
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        X509Certificate leaf = chain.get(0);
        if (!key.getAlgorithm().equals(leaf.getPublicKey().getAlgorithm()) || !signsFor(key, leaf)) {
            throw new IOException(keyFile + ": the private key does not belong to the first certificate of " + certFile
                    + " (" + leaf.getSubjectX500Principal().getName() + ")");
        }
        return new CertifiedKey(alias, key, chain.toArray(X509Certificate[]::new), dnsNames(leaf, certFile),
                certFile + " + " + keyFile);
    }

    private static boolean signsFor(PrivateKey key, X509Certificate leaf) throws IOException {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an EC key on another curve than the certificate's
        }
    }

    private static List<String> dnsNames(X509Certificate leaf, Path certFile) throws IOException {
        Collection<List<?>> alternatives;
        try {
            alternatives = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new IOException(certFile + ": unreadable subjectAltName (" + e.getMessage() + ")", e);
        }
        List<String> names = new ArrayList<>();
        if (alternatives != null) {
            for (List<?> entry : alternatives) {
                if (entry.size() >= 2 && Integer.valueOf(DNS_NAME).equals(entry.get(0)) && entry.get(1) instanceof String name) {
                    names.add(CertificateSet.normalize(name));
                }
            }
        }
        return names;
    }

    @Override
    public String toString() {
        String subject = chain.length == 0 ? "" : " " + leaf().getSubjectX500Principal().getName();
        return alias + subject + " " + dnsNames + " from " + source;
    }
}
