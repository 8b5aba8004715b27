package dev.gateway.node.server.tls;

import static dev.gateway.node.server.tls.TlsClients.certificateFor;
import static dev.gateway.node.server.tls.TlsClients.subject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.TestConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node whose certificate files change under it: new connections get the new certificate
 * within a poll or two, open connections go on, and a broken file changes nothing.
 */
class CertificateReloadIntegrationTest {
    private static final Duration RELOADED_WITHIN = TlsTermination.POLL_INTERVAL.multipliedBy(4);

    @TempDir
    Path dir;

    private final TestPki pki = TestPki.shared();
    private DemoUpstream upstream;
    private GatewayNode node;
    private int tlsPort;
    private TestPki.Leaf api;
    private TestPki.Leaf other;
    private TestPki.Leaf wild;

    @BeforeEach
    void start() throws Exception {
        api = pki.leaf("api").copyTo(dir, "api");
        other = pki.leaf("other").copyTo(dir, "other");
        wild = pki.leaf("wild").copyTo(dir, "wild");
        upstream = DemoUpstream.start("127.0.0.1", 0, "echo");
        tlsPort = TestConfigs.closedPort();
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-reload
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  tls:
                    listen: 127.0.0.1:%d
                    certificates:
                      - {cert: "%s", key: "%s"}
                      - {cert: "%s", key: "%s"}
                      - {cert: "%s", key: "%s"}
                """.formatted(tlsPort, api.cert(), api.key(), other.cert(), other.key(), wild.cert(), wild.key())
                + TestConfigs.OBSERVABILITY + """
                upstreams:
                  echo: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: all, match: {path: /**}, upstream: echo}
                """.formatted(upstream.port())));
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void rewrittenFilesServeNewConnectionsWhileOpenConnectionsGoOn() throws IOException {
        try (SSLSocket open = TlsClients.connect(pki.clientContext(), tlsPort, "other.example.com")) {
            assertThat(TlsClients.get(open, "other.example.com", "/before")[0]).isEqualTo("HTTP/1.1 200 OK");

            pki.leaf("other-v2").copyTo(dir, "other");

            await("the new certificate on a new connection").atMost(RELOADED_WITHIN).pollInterval(Duration.ofMillis(100))
                    .until(() -> subject(certificateFor(pki.clientContext(), tlsPort, "other.example.com")), "CN=other-v2"::equals);
            String[] after = TlsClients.get(open, "other.example.com", "/after");
            assertThat(after[0]).isEqualTo("HTTP/1.1 200 OK");
            assertThat(JsonErrors.parse(after[1]).get("path").asText()).isEqualTo("/after");
            assertThat(subject(TlsClients.peer(open))).isEqualTo("CN=other");
        }
        assertThat(subject(certificateFor(pki.clientContext(), tlsPort, "api.example.com"))).isEqualTo("CN=api");
    }

    @Test
    void aBrokenFileKeepsTheCertificateItWouldReplace() throws IOException {
        Files.writeString(wild.cert(), "-----BEGIN CERTIFICATE-----\ntruncated\n");
        pki.leaf("api-v2").copyTo(dir, "api"); // written after the broken one: once it shows, the broken one was seen

        await("the rewritten default certificate").atMost(RELOADED_WITHIN).pollInterval(Duration.ofMillis(100))
                .until(() -> subject(certificateFor(pki.clientContext(), tlsPort, null)), "CN=api-v2"::equals);

        assertThat(subject(certificateFor(pki.clientContext(), tlsPort, "x.wild.example.com"))).isEqualTo("CN=wild");
    }
}
