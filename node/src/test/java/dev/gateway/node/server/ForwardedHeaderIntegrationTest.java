package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code client-address: {trusted: [127.0.0.1/32], forwarded-header: X-Forwarded-For}}, for an
 * HTTP-mode balancer at 127.0.0.1: its requests' client is the right-most untrusted address of
 * the header; anyone else's header is not believed.
 */
class ForwardedHeaderIntegrationTest {
    private static RecordingUpstream recorder;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        recorder = RecordingUpstream.start();
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-forwarded
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  limits: {drain-timeout: 1s}
                  client-address: {trusted: [127.0.0.1/32], forwarded-header: X-Forwarded-For}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  rec: {targets: ["http://127.0.0.1:%d"]}
                rate-limits:
                  per-ip: {limit: 1, per: 1m, key: ip}
                routes:
                  - {id: limited, match: {path: /limited/**}, upstream: rec, rate-limits: [per-ip]}
                """.formatted(recorder.port())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (recorder != null) {
            recorder.close();
        }
    }

    @Test
    void theTrustedBalancersHeaderNamesTheClient() throws Exception {
        assertThat(get("127.0.0.1", "/limited/a", "6.6.6.6, 198.51.100.9")).isEqualTo(200);
        assertThat(get("127.0.0.1", "/limited/b", "7.7.7.7, 198.51.100.9")).as("the same client, whatever it spoofs")
                .isEqualTo(429);
        assertThat(get("127.0.0.1", "/limited/c", "198.51.100.10")).as("another client").isEqualTo(200);

        assertThat(forwardedFor("/limited/a")).as("the right-most entry is the client")
                .isEqualTo("6.6.6.6, 198.51.100.9, 198.51.100.9");
        assertThat(forwardedFor("/limited/c")).isEqualTo("198.51.100.10, 198.51.100.10");
    }

    @Test
    void anUntrustedPeersHeaderIsNotBelieved() throws Exception {
        assertThat(get("127.0.0.9", "/limited/d", "198.51.100.20")).isEqualTo(200);
        assertThat(get("127.0.0.9", "/limited/e", "198.51.100.21")).as("its own bucket, whatever it claims").isEqualTo(429);

        assertThat(forwardedFor("/limited/d")).isEqualTo("198.51.100.20, 127.0.0.9");
    }

    private static int get(String from, String path, String xff) throws Exception {
        try (RawHttp http = RawHttp.connectFrom(from, node.proxyPort())) {
            return http.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: " + xff + "\r\n\r\n")
                    .readResponse().status();
        }
    }

    private static String forwardedFor(String target) {
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.requests().stream().anyMatch(r -> r.target().equals(target)));
        return recorder.requests().stream().filter(r -> r.target().equals(target)).findFirst().orElseThrow()
                .header("X-Forwarded-For");
    }
}
