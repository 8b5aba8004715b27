package dev.gateway.node.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The client topology end to end, in one JVM: two dedicated members (cluster ports 5787-5788, one backup) and three
 * client-mode gateway nodes enforce one global quota exactly, and each lists the three ({@code /admin/cluster}); a client node closed loses nothing (it held nothing);
 * a member killed without handover resets nothing (its entries live on in their backups).
 */
class ClientModeQuotaTest {
    private static final int LIMIT = 30;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<DataMember> members = new ArrayList<>();
    private final List<GatewayNode> nodes = new ArrayList<>();
    private RecordingUpstream upstream;

    @AfterEach
    void stop() throws Exception {
        nodes.forEach(GatewayNode::close);
        members.forEach(DataMember::kill);
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void threeClientNodesShareOneExactQuotaThroughClientAndMemberDeaths() throws Exception {
        upstream = RecordingUpstream.start();
        String name = "client-quota-" + UUID.randomUUID().toString().substring(0, 8);
        List<HostPort> addresses = List.of(new HostPort("127.0.0.1", 5787), new HostPort("127.0.0.1", 5788));
        for (HostPort address : addresses) {
            members.add(DataMember.start(new ClusterSettings(name, address, new Discovery(addresses, null), 2, 1, true, 1),
                    "member-" + address.port()));
        }
        for (int i = 1; i <= 3; i++) {
            nodes.add(GatewayNode.start(TestConfigs.parse("""
                    node: {name: gw-%d, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}}
                    cluster:
                      name: %s
                      mode: client
                      members: [127.0.0.1:5787, 127.0.0.1:5788]
                      min-size: 1
                      allow-minority: true
                    """.formatted(i, name) + TestConfigs.OBSERVABILITY + """
                    upstreams:
                      app: {targets: ["http://127.0.0.1:%d"]}
                    rate-limits:
                      quota: {limit: %d, per: 1h, key: global, on-cluster-failure: fail-closed}
                    routes:
                      - {id: r, match: {path: /**}, upstream: app, rate-limits: [quota]}
                    """.formatted(upstream.port(), LIMIT))));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> members.get(0).connectedClients() == 3);
        String view = get(nodes.get(0).adminPort(), "/admin/cluster").body();
        assertThat(view).contains("\"topology\":\"client\"").contains("\"size\":2").contains("member-5787");
        await("a client node lists the client nodes").atMost(Duration.ofSeconds(10))
                .until(() -> get(nodes.get(0).adminPort(), "/admin/cluster").body().contains("\"clients\":3"));
        JsonNode clients = JSON.readTree(get(nodes.get(0).adminPort(), "/admin/cluster").body()).get("client_nodes");
        assertThat(clients).extracting(c -> c.get("node").asText()).containsExactly("gw-1", "gw-2", "gw-3");
        assertThat(clients).extracting(c -> c.get("local").asBoolean()).containsExactly(true, false, false);

        int admitted = send(12, nodes);
        assertThat(admitted).as("below the quota, across three client nodes").isEqualTo(12);

        nodes.remove(2).close(); // a client node goes: it held no bucket
        admitted += send(8, nodes);
        assertThat(admitted).isEqualTo(20);

        members.get(0).kill(); // no handover: the bucket lives on in its backup
        for (GatewayNode node : nodes) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> get(node.adminPort(), "/admin/cluster").body().contains("\"size\":1"));
        }
        int after = send(20, nodes);
        assertThat(after).as("what was left of the quota, no more: the member's death reset nothing").isEqualTo(LIMIT - 20);
    }

    /** Sends {@code count} requests round-robin over {@code over}; answers how many were admitted (200). */
    private int send(int count, List<GatewayNode> over) throws Exception {
        int admitted = 0;
        for (int i = 0; i < count; i++) {
            int status = get(over.get(i % over.size()).proxyPort(), "/q").statusCode();
            assertThat(status).isIn(200, 429);
            admitted += status == 200 ? 1 : 0;
        }
        return admitted;
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
