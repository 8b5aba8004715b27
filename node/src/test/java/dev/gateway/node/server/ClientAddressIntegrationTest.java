package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.PrometheusScrape;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with {@code client-address: {proxy-protocol: true, trusted: [127.0.0.1/32]}}, over raw
 * sockets: 127.0.0.1 plays the balancer, other loopback addresses (127.0.0.5, ...) play clients
 * that connect directly. The client address shows in the upstream's {@code X-Forwarded-For}, the
 * {@code ip} rate-limit buckets (1 per minute) and the access log.
 */
class ClientAddressIntegrationTest {
    private static final SimpleHttp HTTP = new SimpleHttp();
    private static final String SIG = "0d0a0d0a000d0a515549540a";

    @TempDir
    static Path dir;

    private static RecordingUpstream recorder;
    private static RecordingUpstream second;
    private static GatewayNode node;
    private static Path accessLog;

    @BeforeAll
    static void start() throws Exception {
        recorder = RecordingUpstream.start();
        second = RecordingUpstream.start();
        accessLog = dir.resolve("access.log");
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-client-address
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  limits: {header-timeout: 2s, drain-timeout: 1s}
                  client-address: {proxy-protocol: true, trusted: [127.0.0.1/32]}
                observability:
                  access-log: {format: json, file: "%s"}
                  tracing: {propagate: "off"}
                upstreams:
                  rec: {targets: ["http://127.0.0.1:%d"]}
                  pair: {targets: ["http://127.0.0.1:%d", "http://127.0.0.1:%d"], balancing: ip-hash}
                rate-limits:
                  per-ip: {limit: 1, per: 1m, key: ip}
                  per-consumer: {limit: 1, per: 1m, key: consumer}
                routes:
                  - {id: limited, match: {path: /limited/**}, upstream: rec, rate-limits: [per-ip]}
                  - {id: anonymous, match: {path: /anonymous/**}, upstream: rec, rate-limits: [per-consumer]}
                  - {id: hashed, match: {path: /hashed/**}, upstream: pair}
                  - id: aggregated
                    match: {path: /aggregated}
                    aggregate:
                      part: {upstream: rec, path: /aggregated-part, optional: true}
                  - {id: rec, match: {path: /**}, upstream: rec}
                """.formatted(accessLog.toString().replace("\\", "/"), recorder.port(), recorder.port(), second.port())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (recorder != null) {
            recorder.close();
        }
        if (second != null) {
            second.close();
        }
    }

    // ---- a trusted peer must send the header -------------------------------------------------

    @Test
    void aTrustedPeerWithoutAHeaderIsClosedWithoutAnAnswer() throws Exception {
        double before = rejected("proxy-protocol-missing");
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            http.send("GET /no-header HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.input().read()).as("closed, not a byte of answer").isEqualTo(-1);
        }
        awaitRejected("proxy-protocol-missing", before + 1);
        assertThat(recorder.requests()).extracting(RecordingUpstream.Recorded::target).doesNotContain("/no-header");
    }

    @Test
    void aMalformedHeaderIsClosedWithoutAnAnswer() throws Exception {
        double before = rejected("proxy-protocol-malformed");
        for (byte[] bad : List.of(ascii("PROXY TCP4 203.0.113.1 10.0.0.1 99999 443\r\nGET /bad HTTP/1.1\r\nHost: x\r\n\r\n"),
                hex(SIG + "31" + "11" + "000c" + "cb007101" + "0a000001" + "dc04" + "01bb"))) {
            try (RawHttp http = RawHttp.connect(node.proxyPort())) {
                http.send(bad);
                assertThat(http.input().read()).isEqualTo(-1);
            }
        }
        awaitRejected("proxy-protocol-malformed", before + 2);
    }

    /** The guard's slowloris sweep covers the header: its 408 (the peer may relay it to a client) and close. */
    @Test
    void anIncompleteHeaderIsClosedAfterTheHeaderTimeout() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort(), 10_000)) {
            long start = System.nanoTime();
            http.send("PROXY TCP4 203.0.113.1 10.0.");
            JsonErrors.assertErrorBody(408, http.readResponse());
            assertThat(http.closedByPeer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(8));
        }
    }

    // ---- untrusted peers --------------------------------------------------------------------

    @Test
    void anUntrustedPeersHeaderIs400AndClosed() throws Exception {
        double before = rejected("proxy-protocol-untrusted");
        try (RawHttp http = RawHttp.connectFrom("127.0.0.5", node.proxyPort())) {
            RawHttp.Response response = http.send("PROXY TCP4 198.51.100.1 10.0.0.1 1234 80\r\n"
                    + "GET /spoofed HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            JsonErrors.assertErrorBody(400, response);
            assertThat(response.bodyText()).contains("PROXY protocol header from a peer that is not trusted");
            assertThat(http.closedByPeer()).isTrue();
        }
        try (RawHttp http = RawHttp.connectFrom("127.0.0.5", node.proxyPort())) {
            JsonErrors.assertErrorBody(400, http.send(hex(SIG + "21" + "11" + "000c" + "c6336401" + "0a000001" + "04d2" + "0050"))
                    .readResponse());
        }
        awaitRejected("proxy-protocol-untrusted", before + 2);
        assertThat(recorder.requests()).extracting(RecordingUpstream.Recorded::target).doesNotContain("/spoofed");
    }

    @Test
    void anUntrustedPeerWithoutAHeaderIsItsSocketAddress() throws Exception {
        try (RawHttp http = RawHttp.connectFrom("127.0.0.6", node.proxyPort())) {
            assertThat(http.send("GET /direct HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n").readResponse().status())
                    .isEqualTo(200);
        }
        assertThat(forwardedFor("/direct")).isEqualTo("6.6.6.6, 127.0.0.6");
        assertThat(accessLogClient("/direct")).isEqualTo("127.0.0.6");
    }

    /** Methods that begin like "PROXY " (PUT, PATCH, PROPFIND) sent a byte at a time still pass. */
    @Test
    void anUntrustedRequestDribbledByteByByteIsServed() throws Exception {
        try (RawHttp http = RawHttp.connectFrom("127.0.0.7", node.proxyPort())) {
            for (byte b : ascii("PROPFIND /dribbled HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")) {
                http.send(new byte[] {b});
            }
            assertThat(http.readResponse().status()).isEqualTo(200);
        }
        assertThat(forwardedFor("/dribbled")).isEqualTo("127.0.0.7");
    }

    // ---- the address a header gives is the client everywhere ----------------------------------

    @Test
    void v1TheUpstreamTheBucketAndTheAccessLogSeeTheClient() throws Exception {
        String header = "PROXY TCP4 203.0.113.10 10.0.0.1 40000 80\r\n";
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            http.send(header + "GET /limited/v1 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.readResponse().status()).isEqualTo(200);
            http.send("GET /limited/v1-again HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.readResponse().status()).as("the same client, on the same connection: its bucket is empty")
                    .isEqualTo(429);
        }
        try (RawHttp other = RawHttp.connect(node.proxyPort())) {
            other.send("PROXY TCP4 203.0.113.11 10.0.0.1 40001 80\r\nGET /limited/v1-other HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(other.readResponse().status()).as("another client behind the same balancer").isEqualTo(200);
        }
        try (RawHttp again = RawHttp.connect(node.proxyPort())) {
            again.send(header + "GET /limited/v1-third HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(again.readResponse().status()).as("the first client on a new connection").isEqualTo(429);
        }
        assertThat(forwardedFor("/limited/v1")).isEqualTo("203.0.113.10");
        assertThat(forwardedFor("/limited/v1-other")).isEqualTo("203.0.113.11");
        assertThat(accessLogClient("/limited/v1")).isEqualTo("203.0.113.10");
        assertThat(accessLogClient("/limited/v1-again")).isEqualTo("203.0.113.10");
        assertThat(accessLogClient("/limited/v1-other")).isEqualTo("203.0.113.11");
    }

    @Test
    void v2Ipv4AndIpv6() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            http.send(hex(SIG + "21" + "11" + "000c" + "c6336414" + "0a000001" + "04d2" + "0050"))
                    .send("GET /limited/v2 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.readResponse().status()).isEqualTo(200);
        }
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            http.send(hex(SIG + "21" + "11" + "000c" + "c6336414" + "0a000001" + "04d3" + "0050"))
                    .send("GET /limited/v2-again HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.readResponse().status()).isEqualTo(429);
        }
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            http.send(hex(SIG + "21" + "21" + "0029" + "20010db8000000000000000000000007" + "20010db8000000000000000000000001"
                    + "04d2" + "0050" + "0400020000")); // with a NOOP TLV
            http.send("GET /v2-six HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.readResponse().status()).isEqualTo(200);
        }
        assertThat(forwardedFor("/limited/v2")).isEqualTo("198.51.100.20");
        assertThat(accessLogClient("/limited/v2-again")).isEqualTo("198.51.100.20");
        assertThat(forwardedFor("/v2-six")).isEqualTo("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void v2LocalAndV1UnknownKeepThePeersAddress() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            http.send(hex(SIG + "20" + "00" + "0000")).send("GET /local HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.readResponse().status()).isEqualTo(200);
        }
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            http.send("PROXY UNKNOWN\r\nGET /unknown HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.readResponse().status()).isEqualTo(200);
        }
        assertThat(forwardedFor("/local")).isEqualTo("127.0.0.1");
        assertThat(forwardedFor("/unknown")).isEqualTo("127.0.0.1");
    }

    @Test
    void anonymousConsumerKeysArePerClient() throws Exception {
        assertThat(proxied("203.0.113.40", "/anonymous/a")).isEqualTo(200);
        assertThat(proxied("203.0.113.40", "/anonymous/b")).isEqualTo(429);
        assertThat(proxied("203.0.113.41", "/anonymous/c")).as("another anonymous client").isEqualTo(200);
    }

    /** ip-hash spreads the clients behind one balancer over the targets, and keeps each on one. */
    @Test
    void ipHashUsesTheClient() throws Exception {
        for (int i = 1; i <= 16; i++) {
            for (int round = 0; round < 2; round++) {
                assertThat(proxied("203.0.113." + (100 + i), "/hashed/c" + i + "-" + round)).isEqualTo(200);
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> targets(recorder, "/hashed/").size() + targets(second, "/hashed/").size() == 32);
        List<String> first = targets(recorder, "/hashed/");
        List<String> other = targets(second, "/hashed/");
        assertThat(first).as("some clients on the first target").isNotEmpty();
        assertThat(other).as("some clients on the second target").isNotEmpty();
        for (int i = 1; i <= 16; i++) {
            assertThat(first.contains("/hashed/c" + i + "-0")).as("client %d stays on one target", i)
                    .isEqualTo(first.contains("/hashed/c" + i + "-1"));
        }
    }

    @Test
    void aggregationPartsCarryTheClient() throws Exception {
        proxied("203.0.113.60", "/aggregated");
        assertThat(forwardedFor("/aggregated-part")).isEqualTo("203.0.113.60");
    }

    /** The header and the request, each byte in its own write: read the same. */
    @Test
    void aHeaderDribbledByteByByte() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            for (byte b : ascii("PROXY TCP4 203.0.113.30 10.0.0.1 40000 80\r\nGET /dribbled-header HTTP/1.1\r\nHost: x\r\n\r\n")) {
                http.send(new byte[] {b});
            }
            assertThat(http.readResponse().status()).isEqualTo(200);
        }
        assertThat(forwardedFor("/dribbled-header")).isEqualTo("203.0.113.30");
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** One request on a new connection from the balancer, for {@code client}: its status. */
    private static int proxied(String client, String path) throws IOException {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            return http.send("PROXY TCP4 " + client + " 10.0.0.1 40000 80\r\nGET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .readResponse().status();
        }
    }

    private static List<String> targets(RecordingUpstream upstream, String prefix) {
        return upstream.requests().stream().map(RecordingUpstream.Recorded::target).filter(t -> t.startsWith(prefix)).toList();
    }

    private static String forwardedFor(String target) {
        await().atMost(Duration.ofSeconds(5))
                .until(() -> recorder.requests().stream().anyMatch(r -> r.target().equals(target)));
        List<RecordingUpstream.Recorded> seen = recorder.requests().stream().filter(r -> r.target().equals(target)).toList();
        assertThat(seen).as("requests for %s at the upstream", target).hasSize(1);
        return seen.get(0).header("X-Forwarded-For");
    }

    private static String accessLogClient(String path) {
        await().atMost(Duration.ofSeconds(5)).until(() -> lineFor(path) != null);
        return lineFor(path).get("client_ip").asText();
    }

    private static JsonNode lineFor(String path) {
        try {
            if (Files.notExists(accessLog)) {
                return null;
            }
            for (String line : Files.readAllLines(accessLog, StandardCharsets.UTF_8)) {
                if (line.endsWith("}")) {
                    JsonNode json = JsonErrors.parse(line);
                    if (json.get("path").asText().equals(path)) {
                        return json;
                    }
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double rejected(String reason) {
        HttpResponse<String> metrics = HTTP.get(node.adminPort(), "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        return PrometheusScrape.parse(metrics.body()).value("gateway_listener_rejected_total", "reason", reason).orElse(0);
    }

    private static void awaitRejected(String reason, double atLeast) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(rejected(reason)).isGreaterThanOrEqualTo(atLeast));
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
