package dev.gateway.node.server.tls;

import dev.gateway.node.support.Keytool;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority for TLS tests, made with the JDK's {@code keytool} (no
 * OpenSSL, no BouncyCastle): an EC CA and leaf certificates it signs, each written as PEM (chain
 * file: leaf then CA; key file: PKCS#8 taken from the keytool keystore through the public
 * {@link KeyStore} API). Built once per test JVM in a temporary directory; tests copy the PEM
 * files they change.
 */
final class TestPki {
    private static final String PASSWORD = "changeit";
    private static TestPki shared;

    private final Path dir;
    private final X509Certificate ca;
    private final Map<String, Leaf> leaves = new ConcurrentHashMap<>();

    /** One issued certificate: its PEM files and the leaf as parsed. */
    record Leaf(String name, Path cert, Path key, X509Certificate certificate) {
        /** Copies both files into {@code dir} as {@code base.pem} and {@code base-key.pem}, replacing what is there. */
        Leaf copyTo(Path dir, String base) throws IOException {
            Path c = dir.resolve(base + ".pem");
            Path k = dir.resolve(base + "-key.pem");
            replace(cert, c);
            replace(key, k);
            return new Leaf(name, c, k, certificate);
        }
    }

    private TestPki(Path dir, X509Certificate ca) {
        this.dir = dir;
        this.ca = ca;
    }

    /**
     * The shared test PKI with these leaves: {@code api} (RSA, api.example.com and IP 127.0.0.1), {@code other}
     * (EC, other.example.com), {@code wild} (EC, *.wild.example.com), {@code other-v2} (EC,
     * other.example.com again, a new key and serial) and {@code api-v2} (RSA, api.example.com).
     */
    static synchronized TestPki shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("gateway-test-pki");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> Keytool.deleteTree(dir)));
                Keytool.run(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=Gateway Test CA", "-ext", "bc:c", "-validity", "3",
                        "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
                X509Certificate ca = (X509Certificate) Keytool.load(dir.resolve("ca.p12"), PASSWORD).getCertificate("ca");
                TestPki pki = new TestPki(dir, ca);
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    List<Future<?>> issued = new ArrayList<>();
                    issued.add(pool.submit(() -> pki.issue("api", "RSA", "dns:api.example.com,ip:127.0.0.1")));
                    issued.add(pool.submit(() -> pki.issue("other", "EC", "dns:other.example.com")));
                    issued.add(pool.submit(() -> pki.issue("wild", "EC", "dns:*.wild.example.com")));
                    issued.add(pool.submit(() -> pki.issue("other-v2", "EC", "dns:other.example.com")));
                    issued.add(pool.submit(() -> pki.issue("api-v2", "RSA", "dns:api.example.com,ip:127.0.0.1")));
                    for (Future<?> f : issued) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                } finally {
                    pool.shutdownNow();
                }
                shared = pki;
            } catch (Exception e) {
                throw new IllegalStateException("cannot make the test PKI with keytool", e);
            }
        }
        return shared;
    }

    Leaf leaf(String name) {
        Leaf leaf = leaves.get(name);
        if (leaf == null) {
            throw new IllegalArgumentException("no test certificate " + name + " (have " + leaves.keySet() + ")");
        }
        return leaf;
    }

    X509Certificate ca() {
        return ca;
    }

    /**
     * A new client context that trusts this CA only. One per connection in tests that look at
     * certificates: the JDK client caches sessions by host and port and, when it resumes one,
     * sends that session's SNI name again instead of the one asked for.
     */
    SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Void issue(String name, String keyAlg, String subjectAltNames) throws Exception {
        String store = name + ".p12";
        List<String> keyArgs = keyAlg.equals("RSA") ? List.of("-keyalg", "RSA", "-keysize", "2048")
                : List.of("-keyalg", "EC", "-groupname", "secp256r1");
        List<String> gen = new ArrayList<>(List.of("-genkeypair", "-alias", "leaf"));
        gen.addAll(keyArgs);
        gen.addAll(List.of("-dname", "CN=" + name, "-validity", "3", "-keystore", store, "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD));
        Keytool.run(dir, gen.toArray(String[]::new));
        Keytool.run(dir, "-certreq", "-alias", "leaf", "-keystore", store, "-storepass", PASSWORD, "-file", name + ".csr");
        Keytool.run(dir, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD,
                "-infile", name + ".csr", "-outfile", name + ".crt", "-rfc", "-validity", "3",
                "-ext", "san=" + subjectAltNames, "-ext", "eku=serverAuth");
        String leafPem = Files.readString(dir.resolve(name + ".crt"), StandardCharsets.US_ASCII);
        Path cert = dir.resolve(name + ".pem");
        Files.writeString(cert, leafPem.strip() + "\n" + pem("CERTIFICATE", ca.getEncoded()));
        PrivateKey key = (PrivateKey) Keytool.load(dir.resolve(store), PASSWORD).getKey("leaf", PASSWORD.toCharArray());
        Path keyFile = dir.resolve(name + "-key.pem");
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(leafPem.getBytes(StandardCharsets.US_ASCII)));
        leaves.put(name, new Leaf(name, cert, keyFile, leaf));
        return null;
    }

    static String pem(String type, byte[] der) {
        return Keytool.pem(type, der);
    }

    /** Writes {@code to} through a temporary file and a rename, as certificate tools do. */
    static void replace(Path from, Path to) throws IOException {
        Path tmp = Files.createTempFile(to.getParent(), ".tmp", ".pem");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String subjectOf(Certificate certificate) {
        return ((X509Certificate) certificate).getSubjectX500Principal().getName();
    }
}
