package dev.gateway.node.upstream.tls;

import dev.gateway.config.UpstreamConfig;
import dev.gateway.config.UpstreamTls;
import dev.gateway.node.server.tls.PemCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * How one upstream's {@code https} targets are reached, compiled from its {@code tls} section
 * (or the defaults when it has none): the trusted CAs (the {@code ca} PEM file, else the JDK's
 * trust store), the optional client certificate, and whether the certificate must match the
 * target's host. Engines it makes speak TLS 1.3 and 1.2 only, send the target's host name as SNI
 * (not an IP address), and check the certificate's names unless {@code verify-hostname: false}.
 *
 * <p>Equal when made from the same section and the same file contents: the upstream client keys
 * its connection pools by target, and a config reload that changes nothing here keeps them; new
 * certificate files make a new context, hence new connections.
 */
public final class UpstreamTlsContext {
    /** What engines of this context negotiate, in preference order. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final UpstreamTls config;
    private final byte[] fingerprint;
    private final SSLContext context;
    private final String[] protocols;
    private final boolean verifyHostname;
    /** Pool lookups hash targets, and so this, on every call. */
    private final int hash;

    private UpstreamTlsContext(UpstreamTls config, byte[] fingerprint, SSLContext context, boolean verifyHostname) {
        this.config = config;
        this.fingerprint = fingerprint;
        this.context = context;
        this.verifyHostname = verifyHostname;
        this.hash = 31 * Objects.hashCode(config) + Arrays.hashCode(fingerprint);
        Set<String> supported = Set.of(context.getSupportedSSLParameters().getProtocols());
        this.protocols = PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new);
        if (protocols.length == 0) {
            throw new IllegalStateException("this JDK supports none of " + PROTOCOLS);
        }
    }

    /**
     * The context for the {@code https} targets of upstream {@code name}: null when it has neither
     * such a target nor a {@code tls} section, the JDK defaults without a section.
     *
     * @throws UpstreamTlsConfigException when a file of the section cannot be used; its message
     *                                    starts with the config path ({@code upstreams.name.tls.ca})
     */
    public static UpstreamTlsContext of(String name, UpstreamConfig upstream) {
        if (upstream.tls() != null) {
            return load("upstreams." + name + ".tls", upstream.tls());
        }
        return upstream.targets().stream().anyMatch(t -> t.tls()) ? jdkDefaults() : null;
    }

    /** The JDK's trust store, no client certificate, host names checked. */
    public static UpstreamTlsContext jdkDefaults() {
        return Defaults.INSTANCE;
    }

    /**
     * Reads the files of {@code tls}.
     *
     * @param at the section's config path, for messages
     * @throws UpstreamTlsConfigException naming {@code at.ca}, {@code at.cert} or {@code at.key} and the file
     */
    public static UpstreamTlsContext load(String at, UpstreamTls tls) {
        MessageDigest digest = sha256();
        TrustManagerFactory trust;
        if (tls.ca() == null) {
            trust = Defaults.TRUST;
        } else {
            Path ca = Path.of(tls.ca());
            List<X509Certificate> cas = read(at + ".ca", () -> PemCredentials.certificates(ca));
            digest(digest, at + ".ca", ca);
            trust = trustManagers(cas);
        }
        KeyManager[] keys = null;
        if (tls.cert() != null) {
            Path cert = Path.of(tls.cert());
            Path key = Path.of(tls.key());
            read(at + ".cert", () -> PemCredentials.certificates(cert));
            read(at + ".key", () -> {
                PemCredentials.checkPrivateKey(key);
                return null;
            });
            keys = new KeyManager[] {read(at + ".key", () -> PemCredentials.clientKeyManager(cert, key))};
            digest(digest, at + ".cert", cert);
            digest(digest, at + ".key", key);
        }
        return new UpstreamTlsContext(tls, digest.digest(), context(keys, trust), tls.verifyHostname());
    }

    /**
     * A new client engine towards {@code host:port}: TLS 1.3/1.2, SNI {@code host} when it is a
     * name, host name verification when configured. The host and port also key the JDK's session
     * cache, so that later connections to the same target resume their session.
     */
    public SSLEngine newEngine(String host, int port) {
        String peer = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        SSLEngine engine = context.createSSLEngine(peer, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols.clone());
        parameters.setServerNames(isIpLiteral(peer) ? List.of() : serverName(peer));
        parameters.setEndpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
        engine.setSSLParameters(parameters);
        return engine;
    }

    public boolean verifiesHostname() {
        return verifyHostname;
    }

    /** The protocols engines of this context enable. */
    public List<String> protocols() {
        return List.of(protocols);
    }

    /** SNI for a host name; none for one that is no valid DNS name (an underscore, say). */
    private static List<SNIServerName> serverName(String host) {
        try {
            return List.of(new SNIHostName(host));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof UpstreamTlsContext other && hash == other.hash
                && Objects.equals(config, other.config) && Arrays.equals(fingerprint, other.fingerprint);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        if (config == null) {
            return "tls{jdk trust store, verify-hostname}";
        }
        return "tls{ca=" + (config.ca() == null ? "jdk trust store" : config.ca())
                + (config.cert() == null ? "" : ", cert=" + config.cert())
                + (verifyHostname ? ", verify-hostname" : ", no hostname verification") + "}";
    }

    // ---- loading ------------------------------------------------------------------------------

    private interface Reading<T> {
        T read() throws IOException;
    }

    private static <T> T read(String at, Reading<T> reading) {
        try {
            return reading.read();
        } catch (IOException e) {
            throw new UpstreamTlsConfigException(at, "cannot read " + e.getMessage(), e);
        }
    }

    private static void digest(MessageDigest digest, String at, Path file) {
        byte[] bytes = read(at, () -> Files.readAllBytes(file));
        digest.update(at.getBytes(StandardCharsets.UTF_8));
        digest.update(bytes);
    }

    private static TrustManagerFactory trustManagers(List<X509Certificate> cas) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (cas == null) {
                factory.init((KeyStore) null);
            } else {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                for (int i = 0; i < cas.size(); i++) {
                    store.setCertificateEntry("ca-" + i, cas.get(i));
                }
                factory.init(store);
            }
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("this JDK cannot build a TLS trust manager", e);
        }
    }

    private static SSLContext context(KeyManager[] keys, TrustManagerFactory trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot create a TLS context", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Built on first use: loading the JDK's trust store takes a while. */
    private static final class Defaults {
        static final TrustManagerFactory TRUST = trustManagers(null);
        static final UpstreamTlsContext INSTANCE = new UpstreamTlsContext(null, new byte[0], context(null, TRUST), true);
    }
}
