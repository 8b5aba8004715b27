package dev.gateway.node.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.cluster.DataMember;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code on-cluster-failure: local} in client mode divides the limit by the gateway nodes, not by the members: one
 * dedicated member (cluster port 5790) and two client-mode nodes; once the member is gone, each node enforces
 * {@code limit / 2} on its own, so the two together never admit more than the limit.
 */
class ClientModeFallbackTest {
    private static final int LIMIT = 10;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<GatewayNode> nodes = new ArrayList<>();
    private DataMember member;
    private RecordingUpstream upstream;

    @AfterEach
    void stop() throws Exception {
        nodes.forEach(GatewayNode::close);
        if (member != null) {
            member.kill();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void theLocalShareIsTheLimitOverTheGatewayNodes() throws Exception {
        upstream = RecordingUpstream.start();
        String name = "client-fallback-" + UUID.randomUUID().toString().substring(0, 8);
        HostPort address = new HostPort("127.0.0.1", 5790);
        member = DataMember.start(new ClusterSettings(name, address, new Discovery(List.of(address), null), 1, 1),
                "member-5790");
        for (int i = 1; i <= 2; i++) {
            nodes.add(GatewayNode.start(TestConfigs.parse("""
                    node: {name: gw-%d, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}}
                    cluster: {name: %s, mode: client, members: [127.0.0.1:5790]}
                    """.formatted(i, name) + TestConfigs.OBSERVABILITY + """
                    upstreams:
                      app: {targets: ["http://127.0.0.1:%d"]}
                    rate-limits:
                      quota: {limit: %d, per: 1h, key: global, on-cluster-failure: local}
                    routes:
                      - {id: r, match: {path: /**}, upstream: app, rate-limits: [quota]}
                    """.formatted(upstream.port(), LIMIT))));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> member.connectedClients() == 2);
        for (GatewayNode node : nodes) {
            await("each node counts the gateway nodes").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> get(node.adminPort(), "/admin/cluster").body().contains("\"gateway_nodes\":2"));
        }

        member.kill();
        member = null;
        int admitted = 0;
        for (int i = 0; i < 2 * LIMIT; i++) {
            int status = get(nodes.get(0).proxyPort(), "/q").statusCode();
            assertThat(status).isIn(200, 429);
            admitted += status == 200 ? 1 : 0;
        }
        assertThat(admitted).as("limit / gateway nodes on one node, members gone (expected-size counts the members)")
                .isEqualTo(LIMIT / 2);
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
