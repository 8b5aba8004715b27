package dev.gateway.node.upstream.tls;

import dev.gateway.node.support.Keytool;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for upstream TLS tests, made once per test JVM with the JDK's {@code keytool} in a
 * temporary directory (the listener tests' {@code server.tls.TestPki} issues server certificates
 * only, and keeps them to its package):
 * <ul>
 *   <li>{@code ca.pem}: the test CA (EC); {@code other-ca.pem}: an unrelated CA; {@code bundle.pem}: both;</li>
 *   <li>{@code localhost}: a server certificate (RSA) for DNS {@code localhost} and IP 127.0.0.1;</li>
 *   <li>{@code elsewhere}: a server certificate (EC) for {@code elsewhere.example.com} only;</li>
 *   <li>{@code client}: a client certificate (EC, clientAuth) for mutual TLS.</li>
 * </ul>
 * Each leaf has a PEM chain ({@code name.pem}: leaf then CA) and a PKCS#8 key ({@code name-key.pem}).
 */
final class UpstreamPki {
    private static final String PASSWORD = "changeit";
    private static UpstreamPki shared;

    private final Path dir;
    private final X509Certificate ca;
    private final Map<String, Leaf> leaves = new ConcurrentHashMap<>();

    /** One issued certificate: its PEM files and, for upstream servers, a key store with its chain. */
    record Leaf(String name, Path cert, Path key, KeyStore keyStore) {
    }

    private UpstreamPki(Path dir, X509Certificate ca) {
        this.dir = dir;
        this.ca = ca;
    }

    static synchronized UpstreamPki shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("gateway-upstream-pki");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> Keytool.deleteTree(dir)));
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    Future<X509Certificate> ca = pool.submit(() -> authority(dir, "ca", "CN=Upstream Test CA"));
                    Future<X509Certificate> other = pool.submit(() -> authority(dir, "other-ca", "CN=Unrelated CA"));
                    UpstreamPki pki = new UpstreamPki(dir, ca.get(60, TimeUnit.SECONDS));
                    Files.writeString(dir.resolve("ca.pem"), pem("CERTIFICATE", pki.ca.getEncoded()));
                    String otherPem = pem("CERTIFICATE", other.get(60, TimeUnit.SECONDS).getEncoded());
                    Files.writeString(dir.resolve("other-ca.pem"), otherPem);
                    Files.writeString(dir.resolve("bundle.pem"), otherPem + pem("CERTIFICATE", pki.ca.getEncoded()));
                    List<Future<?>> issued = new ArrayList<>();
                    issued.add(pool.submit(() -> pki.issue("localhost", "RSA", "dns:localhost,ip:127.0.0.1", "serverAuth")));
                    issued.add(pool.submit(() -> pki.issue("elsewhere", "EC", "dns:elsewhere.example.com", "serverAuth")));
                    issued.add(pool.submit(() -> pki.issue("client", "EC", "dns:gateway.example.com", "clientAuth")));
                    for (Future<?> f : issued) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                    shared = pki;
                } finally {
                    pool.shutdownNow();
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot make the upstream test PKI with keytool", e);
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

    /** The test CA's PEM file. */
    Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** An unrelated CA's PEM file: trusts none of the leaves. */
    Path otherCaFile() {
        return dir.resolve("other-ca.pem");
    }

    /** The unrelated CA, then the test CA, in one PEM file. */
    Path bundleFile() {
        return dir.resolve("bundle.pem");
    }

    /** A server context showing {@code leaf}'s chain; trusting the test CA for client certificates. */
    SSLContext serverContext(String leaf) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(leaf(leaf).keyStore(), PASSWORD.toCharArray());
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory trusts = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trusts.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trusts.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate authority(Path dir, String alias, String dname) throws Exception {
        Keytool.run(dir, "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", dname, "-ext", "bc:c", "-validity", "3",
                "-keystore", alias + ".p12", "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        return (X509Certificate) Keytool.load(dir.resolve(alias + ".p12"), PASSWORD).getCertificate(alias);
    }

    private Void issue(String name, String keyAlg, String subjectAltNames, String usage) throws Exception {
        String store = name + ".p12";
        List<String> gen = new ArrayList<>(List.of("-genkeypair", "-alias", "leaf"));
        gen.addAll(keyAlg.equals("RSA") ? List.of("-keyalg", "RSA", "-keysize", "2048")
                : List.of("-keyalg", "EC", "-groupname", "secp256r1"));
        gen.addAll(List.of("-dname", "CN=" + name, "-validity", "3", "-keystore", store, "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD));
        Keytool.run(dir, gen.toArray(String[]::new));
        Keytool.run(dir, "-certreq", "-alias", "leaf", "-keystore", store, "-storepass", PASSWORD, "-file", name + ".csr");
        Keytool.run(dir, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD,
                "-infile", name + ".csr", "-outfile", name + ".crt", "-rfc", "-validity", "3",
                "-ext", "san=" + subjectAltNames, "-ext", "eku=" + usage);
        String leafPem = Files.readString(dir.resolve(name + ".crt"), StandardCharsets.US_ASCII);
        X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(leafPem.getBytes(StandardCharsets.US_ASCII)));
        Path cert = dir.resolve(name + ".pem");
        Files.writeString(cert, leafPem.strip() + "\n" + pem("CERTIFICATE", ca.getEncoded()));
        PrivateKey key = (PrivateKey) Keytool.load(dir.resolve(store), PASSWORD).getKey("leaf", PASSWORD.toCharArray());
        Path keyFile = dir.resolve(name + "-key.pem");
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("leaf", key, PASSWORD.toCharArray(), new Certificate[] {leaf, ca});
        leaves.put(name, new Leaf(name, cert, keyFile, keyStore));
        return null;
    }

    static String pem(String type, byte[] der) {
        return Keytool.pem(type, der);
    }
}
