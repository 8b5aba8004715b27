package dev.gateway.node.upstream.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real node re-encrypting towards HTTPS upstreams on loopback (the lean Grizzly client): trust
 * from a CA file or the JDK store, host name verification, SNI, client certificates, protocol
 * versions, and handshakes that fail or never finish.
 */
class UpstreamTlsIntegrationTest {
    private static UpstreamPki pki;
    /** Certificate for localhost and 127.0.0.1. */
    private static TlsUpstream localhost;
    /** Certificate for elsewhere.example.com only. */
    private static TlsUpstream elsewhere;
    /** Certificate for localhost; wants a client certificate signed by the test CA. */
    private static TlsUpstream mutual;
    private static RawTlsPeer tls11;
    private static RawTlsPeer silent;
    private static GatewayNode node;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        pki = UpstreamPki.shared();
        localhost = TlsUpstream.start(pki.serverContext("localhost"), false);
        elsewhere = TlsUpstream.start(pki.serverContext("elsewhere"), false);
        mutual = TlsUpstream.start(pki.serverContext("localhost"), true);
        tls11 = RawTlsPeer.tls11Only();
        silent = RawTlsPeer.silent();
        String ca = pki.caFile().toString();
        UpstreamPki.Leaf clientCert = pki.leaf("client");
        node = GatewayNode.start(TestConfigs.withDefaults("""
                upstreams:
                  trusted:
                    targets: ["https://localhost:%2$d/base"]
                    tls: {ca: "%1$s"}
                    timeouts: {connect: 3s, response: 5s}
                  by-ip:
                    targets: ["https://127.0.0.1:%2$d"]
                    tls: {ca: "%1$s"}
                  bundle:
                    targets: ["https://localhost:%2$d"]
                    tls: {ca: "%7$s"}
                  jdk-store:
                    targets: ["https://localhost:%2$d"]
                    timeouts: {connect: 3s}
                  other-ca:
                    targets: ["https://localhost:%2$d"]
                    tls: {ca: "%8$s"}
                  wrong-name:
                    targets: ["https://localhost:%3$d"]
                    tls: {ca: "%1$s"}
                  wrong-name-unverified:
                    targets: ["https://localhost:%3$d"]
                    tls: {ca: "%1$s", verify-hostname: false}
                  mtls:
                    targets: ["https://localhost:%4$d"]
                    tls: {ca: "%1$s", cert: "%9$s", key: "%10$s"}
                  mtls-without-cert:
                    targets: ["https://localhost:%4$d"]
                    tls: {ca: "%1$s"}
                  tls11:
                    targets: ["https://localhost:%5$d"]
                    tls: {ca: "%1$s"}
                  silent:
                    targets: ["https://localhost:%6$d"]
                    tls: {ca: "%1$s"}
                    timeouts: {connect: 400ms, response: 10s}
                routes:
                  - {id: trusted, match: {path: /trusted/**}, upstream: trusted, rewrite: {strip-prefix: /trusted}}
                  - {id: by-ip, match: {path: /by-ip/**}, upstream: by-ip}
                  - {id: bundle, match: {path: /bundle/**}, upstream: bundle}
                  - {id: jdk-store, match: {path: /jdk-store/**}, upstream: jdk-store}
                  - {id: other-ca, match: {path: /other-ca/**}, upstream: other-ca}
                  - {id: wrong-name, match: {path: /wrong-name/**}, upstream: wrong-name}
                  - {id: wrong-name-unverified, match: {path: /unverified/**}, upstream: wrong-name-unverified}
                  - {id: mtls, match: {path: /mtls/**}, upstream: mtls}
                  - {id: mtls-without-cert, match: {path: /no-cert/**}, upstream: mtls-without-cert}
                  - {id: tls11, match: {path: /tls11/**}, upstream: tls11}
                  - {id: silent, match: {path: /silent/**}, upstream: silent}
                """.formatted(ca, localhost.port(), elsewhere.port(), mutual.port(), tls11.port(), silent.port(),
                pki.bundleFile(), pki.otherCaFile(), clientCert.cert(), clientCert.key())));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {localhost, elsewhere, mutual, tls11, silent}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @BeforeEach
    void forget() {
        localhost.forget();
        elsewhere.forget();
        mutual.forget();
    }

    @Test
    void requestsAreProxiedOverTlsWithTheConfiguredCaOnOneReusedConnection() throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = get("/trusted/items/" + i);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("GET /base/items/" + i + " \n" + TlsUpstream.PADDING);
        }
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(proxy("/trusted/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).isEqualTo("POST /base/echo " + "x".repeat(100_000) + "\n" + TlsUpstream.PADDING);

        List<TlsUpstream.Seen> seen = localhost.seen();
        assertThat(seen).hasSize(6);
        assertThat(seen).allSatisfy(s -> {
            assertThat(s.host()).isEqualTo("localhost:" + localhost.port());
            assertThat(s.serverNames()).containsExactly("localhost");
            assertThat(s.protocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(s.clientCertificate()).isNull();
        });
        // sequential requests: the pooled TLS connection carries them all (a second one at most, should a
        // request be sent before the previous response's connection went back to the pool)
        Set<Integer> connections = seen.stream().map(TlsUpstream.Seen::clientPort).collect(Collectors.toSet());
        assertThat(connections).as("client ports of %s", seen).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void anIpTargetIsVerifiedAgainstTheCertificatesIpAddressAndSendsNoSni() throws Exception {
        HttpResponse<String> response = get("/by-ip/x");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(localhost.seen()).singleElement().satisfies(s -> {
            assertThat(s.serverNames()).isEmpty();
            assertThat(s.host()).isEqualTo("127.0.0.1:" + localhost.port());
        });
    }

    @Test
    void aCaFileMayHoldSeveralCertificates() throws Exception {
        assertThat(get("/bundle/x").statusCode()).isEqualTo(200);
    }

    @Test
    void aCertificateForAnotherHostIs502SayingWhy() throws Exception {
        JsonNode error = JsonErrors.assertErrorBody(502, get("/wrong-name/x"));
        assertThat(error.get("error").asText()).startsWith("upstream TLS handshake failed: ")
                .containsIgnoringCase("localhost");
        assertThat(elsewhere.seen()).isEmpty();
    }

    @Test
    void withoutHostnameVerificationTheSameCertificateIsAccepted() throws Exception {
        HttpResponse<String> response = get("/unverified/x");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(elsewhere.seen()).singleElement().satisfies(s -> assertThat(s.serverNames()).containsExactly("localhost"));
    }

    @Test
    void aCertificateTheJdkTrustStoreDoesNotKnowIs502() throws Exception {
        JsonNode error = JsonErrors.assertErrorBody(502, get("/jdk-store/x"));
        assertThat(error.get("error").asText()).startsWith("upstream TLS handshake failed: ")
                .contains("certification path");
        assertThat(localhost.seen()).isEmpty();
    }

    @Test
    void aCaFileOfAnotherAuthorityTrustsNothingElse() throws Exception {
        JsonNode error = JsonErrors.assertErrorBody(502, get("/other-ca/x"));
        assertThat(error.get("error").asText()).startsWith("upstream TLS handshake failed: ");
    }

    @Test
    void anUpstreamRequiringAClientCertificateGetsTheConfiguredOne() throws Exception {
        HttpResponse<String> response = get("/mtls/x");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(mutual.seen()).singleElement().satisfies(s -> assertThat(s.clientCertificate()).isEqualTo("CN=client"));
    }

    @Test
    void anUpstreamRequiringAClientCertificateRefusesTheGatewayWithoutOne() throws Exception {
        JsonNode error = JsonErrors.assertErrorBody(502, get("/no-cert/x"));
        assertThat(error.get("error").asText()).startsWith("upstream ");
        assertThat(mutual.seen()).isEmpty();
    }

    @Test
    void aTls11OnlyUpstreamIsRefusedAndOnlyTls13And12AreOffered() throws Exception {
        JsonNode error = JsonErrors.assertErrorBody(502, get("/tls11/x"));
        assertThat(error.get("error").asText()).startsWith("upstream TLS handshake failed: ");
        assertThat(tls11.offered()).isNotEmpty().allSatisfy(versions -> {
            assertThat(versions.get(0)).as("legacy ClientHello version").isEqualTo(0x0303);
            assertThat(versions.subList(1, versions.size())).as("supported_versions")
                    .containsExactlyInAnyOrder(0x0304, 0x0303);
        });
    }

    @Test
    void aHandshakeThatNeverCompletesIsBoundedByTheConnectTimeout() throws Exception {
        long start = System.nanoTime();
        JsonNode error = JsonErrors.assertErrorBody(504, get("/silent/x"));
        long tookMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertThat(error.get("error").asText()).startsWith("connect timeout 400ms");
        assertThat(tookMillis).isLessThan(5_000);
        assertThat(silent.connections()).isPositive();
        assertThat(silent.awaitClosedByClient(Duration.ofSeconds(5)))
                .as("the gateway closes the connection whose handshake did not finish in time").isTrue();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(proxy(path)).GET().timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI proxy(String path) {
        return URI.create("http://127.0.0.1:" + node.proxyPort() + path);
    }
}
