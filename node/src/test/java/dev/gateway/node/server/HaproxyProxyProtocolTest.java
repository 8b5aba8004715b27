package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.LocalHaproxy;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through a real HAProxy in TCP mode with {@code send-proxy-v2}, as the shipped configs run it:
 * two clients bound to 127.0.0.2 and 127.0.0.3 reach the node from HAProxy's 127.0.0.1, yet get
 * an {@code ip} bucket each (1 per minute: each its own 200, then 429) and the upstream sees each
 * address. Skipped when {@code haproxy} is not on the PATH, unless {@code -Dchaos.required=true}.
 */
class HaproxyProxyProtocolTest {
    @TempDir
    Path dir;

    @Test
    void twoClientsBehindHaproxyGetTheirOwnBucketsAndAddresses() throws Exception {
        String executable = LocalHaproxy.executableOrSkip("the test through a real HAProxy");
        try (RecordingUpstream recorder = RecordingUpstream.start();
             GatewayNode node = GatewayNode.start(TestConfigs.parse("""
                     node:
                       name: gw-behind-haproxy
                       listen: 127.0.0.1:0
                       admin: {listen: 127.0.0.1:0}
                       limits: {drain-timeout: 1s}
                       client-address: {proxy-protocol: true, trusted: [127.0.0.1/32]}
                     """ + TestConfigs.OBSERVABILITY + """
                     upstreams:
                       rec: {targets: ["http://127.0.0.1:%d"]}
                     rate-limits:
                       per-ip: {limit: 1, per: 1m, key: ip}
                     routes:
                       - {id: limited, match: {path: /limited/**}, upstream: rec, rate-limits: [per-ip]}
                     """.formatted(recorder.port())))) {
            try (LocalHaproxy haproxy = LocalHaproxy.start(executable, dir, node.proxyPort(),
                    "send-proxy-v2 on-marked-down shutdown-sessions", "")) {
                int port = haproxy.port();

                assertThat(get("127.0.0.2", port, "/limited/two-1")).isEqualTo(200);
                assertThat(get("127.0.0.3", port, "/limited/three-1")).as("its own bucket").isEqualTo(200);
                assertThat(get("127.0.0.2", port, "/limited/two-2")).isEqualTo(429);
                assertThat(get("127.0.0.3", port, "/limited/three-2")).isEqualTo(429);

                assertThat(recorder.requests()).extracting(RecordingUpstream.Recorded::target)
                        .containsExactlyInAnyOrder("/limited/two-1", "/limited/three-1");
                assertThat(forwardedFor(recorder, "/limited/two-1")).isEqualTo("127.0.0.2");
                assertThat(forwardedFor(recorder, "/limited/three-1")).isEqualTo("127.0.0.3");
            }
        }
    }

    private static int get(String from, int port, String path) throws IOException {
        try (RawHttp http = RawHttp.connectFrom(from, port)) {
            return http.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().status();
        }
    }

    private static String forwardedFor(RecordingUpstream recorder, String target) {
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.requests().stream().anyMatch(r -> r.target().equals(target)));
        return recorder.requests().stream().filter(r -> r.target().equals(target)).findFirst().orElseThrow()
                .header("X-Forwarded-For");
    }
}
