package dev.gateway.node.server.tls;

import static dev.gateway.node.server.tls.TlsClients.certificateFor;
import static dev.gateway.node.server.tls.TlsClients.subject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.config.GatewayConfig;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.ListenException;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.TestConfigs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node with {@code node.tls} and three certificates (api.example.com RSA, the default;
 * other.example.com EC; *.wild.example.com EC), against JDK TLS clients and hand-made
 * ClientHellos.
 */
class TlsListenerIntegrationTest {
    private static final int TLS_1_1 = 0x0302;
    private static final int TLS_1_2 = 0x0303;

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static DemoUpstream upstream;
    private static GatewayNode node;
    private static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.shared();
        upstream = DemoUpstream.start("127.0.0.1", 0, "echo");
        tlsPort = TestConfigs.closedPort();
        node = GatewayNode.start(config(tlsPort, "127.0.0.1:0", certificates("api", "other", "wild")));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void sniChoosesTheCertificateOfEachName() throws IOException {
        assertThat(subject(certificateFor(client(), tlsPort, "api.example.com"))).isEqualTo("CN=api");
        assertThat(certificateFor(client(), tlsPort, "api.example.com").getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(subject(certificateFor(client(), tlsPort, "other.example.com"))).isEqualTo("CN=other");
        assertThat(certificateFor(client(), tlsPort, "other.example.com").getPublicKey().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void aWildcardCertificateServesOneLevelOfSubdomains() throws IOException {
        assertThat(subject(certificateFor(client(), tlsPort, "anything.wild.example.com"))).isEqualTo("CN=wild");
        assertThat(subject(certificateFor(client(), tlsPort, "Other-Thing.WILD.example.com"))).isEqualTo("CN=wild");
    }

    @Test
    void noOrAnUnknownServerNameGetsTheFirstCertificate() throws IOException {
        assertThat(subject(certificateFor(client(), tlsPort, null))).isEqualTo("CN=api");
        try (SSLSocket unknown = TlsClients.connect(client(), tlsPort, null)) {
            assertThat(subject(TlsClients.peer(unknown))).isEqualTo("CN=api");
        }
        assertThatThrownBy(() -> certificateFor(client(), tlsPort, "unknown.example.org"))
                .as("the default certificate does not name it, and the client checks").isInstanceOf(SSLException.class);
        assertThatThrownBy(() -> certificateFor(client(), tlsPort, "a.b.wild.example.com")).isInstanceOf(SSLException.class);
    }

    @Test
    void tls13IsPreferredAndTls12UsesForwardSecretAeadSuites() throws IOException {
        try (SSLSocket modern = TlsClients.connect(client(), tlsPort, "api.example.com")) {
            assertThat(modern.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
        try (SSLSocket rsa = TlsClients.connect(client(), tlsPort, "api.example.com", "TLSv1.2");
             SSLSocket ec = TlsClients.connect(client(), tlsPort, "other.example.com", "TLSv1.2")) {
            assertThat(rsa.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(rsa.getSession().getCipherSuite()).startsWith("TLS_ECDHE_RSA_WITH_").endsWith("_GCM_SHA256");
            assertThat(ec.getSession().getCipherSuite()).startsWith("TLS_ECDHE_ECDSA_WITH_").endsWith("_GCM_SHA256");
        }
    }

    @Test
    void tls11IsRefused() throws IOException {
        assertThatThrownBy(() -> TlsClients.connect(client(), tlsPort, "api.example.com", "TLSv1.1"))
                .isInstanceOf(SSLException.class);

        TlsClients.HelloAnswer answer = TlsClients.hello(tlsPort, TLS_1_1, 0xc02f, 0xc013, 0x002f);

        assertThat(answer.isServerHello()).as("answer to a TLS 1.1 ClientHello: %s", answer).isFalse();
    }

    @Test
    void rsaKeyExchangeCbcAnd3desAreRefusedOnTls12() throws IOException {
        TlsClients.HelloAnswer aead = TlsClients.hello(tlsPort, TLS_1_2, 0xc02f); // ECDHE_RSA_WITH_AES_128_GCM_SHA256
        TlsClients.HelloAnswer weak = TlsClients.hello(tlsPort, TLS_1_2,
                0x009c, // RSA_WITH_AES_128_GCM_SHA256: no forward secrecy
                0x002f, // RSA_WITH_AES_128_CBC_SHA
                0xc027, // ECDHE_RSA_WITH_AES_128_CBC_SHA256
                0xc013, // ECDHE_RSA_WITH_AES_128_CBC_SHA
                0x000a, // RSA_WITH_3DES_EDE_CBC_SHA
                0x0005); // RSA_WITH_RC4_128_SHA

        assertThat(aead.isServerHello()).as("control: the same hello with an AEAD suite, %s", aead).isTrue();
        assertThat(weak.isServerHello()).as("answer to weak suites only: %s", weak).isFalse();
    }

    @Test
    void requestsOnTlsReachTheUpstreamAsHttps() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(client()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> get = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort + "/hello?x=1"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> post = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort + "/things"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(get.statusCode()).isEqualTo(200);
        JsonNode seen = JsonErrors.parse(get.body());
        assertThat(seen.get("path").asText()).isEqualTo("/hello");
        assertThat(seen.get("headers").get("x-forwarded-proto").asText()).isEqualTo("https");
        assertThat(JsonErrors.parse(post.body()).get("body").asText()).isEqualTo("{\"a\":1}");
    }

    @Test
    void thePlainListenerStaysPlainBesideIt() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.proxyPort() + "/plain")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JsonErrors.parse(response.body()).get("headers").get("x-forwarded-proto").asText()).isEqualTo("http");
    }

    @Test
    void keepAliveConnectionsCarrySeveralRequests() throws IOException {
        try (SSLSocket socket = TlsClients.connect(client(), tlsPort, "other.example.com")) {
            for (int i = 0; i < 3; i++) {
                String[] response = TlsClients.get(socket, "other.example.com", "/n/" + i);
                assertThat(response[0]).isEqualTo("HTTP/1.1 200 OK");
                assertThat(JsonErrors.parse(response[1]).get("path").asText()).isEqualTo("/n/" + i);
            }
        }
    }

    @Test
    void anUnreadableCertificateStopsTheNodeBeforeItListens() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.pem"), "not a certificate\n");
        int plain = TestConfigs.closedPort();
        int tls = TestConfigs.closedPort();
        GatewayConfig config = config(tls, "127.0.0.1:" + plain, certificates("api")
                + "\n      - {cert: \"" + broken + "\", key: \"" + pki.leaf("other").key() + "\"}");

        UncheckedIOException e = catchThrowableOfType(UncheckedIOException.class, () -> GatewayNode.start(config).close());

        assertThat(e).isNotNull().hasMessage("node.tls.certificates[1]: cannot load the certificate");
        assertThat(e.getCause()).hasMessage(broken + ": not a PEM file (no -----BEGIN ...----- block)");
        assertPortFree(plain);
        assertPortFree(tls);
    }

    @Test
    void aTlsPortInUseIsNamedAndNothingStaysBound() throws Exception {
        int plain = TestConfigs.closedPort();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            GatewayConfig config = config(taken.getLocalPort(), "127.0.0.1:" + plain, certificates("api"));

            ListenException e = catchThrowableOfType(ListenException.class, () -> GatewayNode.start(config).close());

            assertThat(e).isNotNull();
            assertThat(e.getMessage()).startsWith("node.tls.listen: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
        assertPortFree(plain);
    }

    @Test
    void listenerLimitsApplyToTlsConnectionsIncludingTheirHandshake() throws Exception {
        int tls = TestConfigs.closedPort();
        GatewayNode limitedNode = GatewayNode.start(limited(tls));
        try {
            try (SSLSocket socket = TlsClients.connect(client(), tls, "api.example.com")) {
                socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(4096) + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                assertThat(new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1)).readLine())
                        .isEqualTo("HTTP/1.1 431 Request Header Fields Too Large");
            }
            try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), tls)) {
                silent.setSoTimeout(10_000);
                long start = System.nanoTime();
                assertThat(silent.getInputStream().read()).as("a client that never starts its handshake is closed").isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
        } finally {
            limitedNode.close();
        }
    }

    private static GatewayConfig limited(int tlsPort) {
        return TestConfigs.parse("""
                node:
                  name: gw-tls-limits
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  limits: {header-timeout: 1s, max-header-bytes: 2048}
                  tls:
                    listen: 127.0.0.1:%d
                    certificates:%s
                """.formatted(tlsPort, certificates("api")) + TestConfigs.OBSERVABILITY + """
                upstreams:
                  echo: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: all, match: {path: /**}, upstream: echo}
                """.formatted(upstream.port()));
    }

    private static SSLContext client() {
        return pki.clientContext();
    }

    private static void assertPortFree(int port) {
        dev.gateway.node.support.Ports.assertNothingListens(port);
    }

    static String certificates(String... leaves) {
        StringBuilder yaml = new StringBuilder();
        for (String name : leaves) {
            TestPki.Leaf leaf = TestPki.shared().leaf(name);
            yaml.append("\n      - {cert: \"").append(leaf.cert()).append("\", key: \"").append(leaf.key()).append("\"}");
        }
        return yaml.toString();
    }

    static GatewayConfig config(int tlsPort, String listen, String certificatesYaml) {
        return TestConfigs.parse("""
                node:
                  name: gw-tls
                  listen: %s
                  admin: {listen: 127.0.0.1:0}
                  tls:
                    listen: 127.0.0.1:%d
                    certificates:%s
                """.formatted(listen, tlsPort, certificatesYaml) + TestConfigs.OBSERVABILITY + """
                upstreams:
                  echo: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: all, match: {path: /**}, upstream: echo}
                """.formatted(upstream.port()));
    }
}
