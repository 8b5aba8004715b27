package dev.gateway.node.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.auth.ApiKeys;
import dev.gateway.node.support.OtlpReceiver;
import dev.gateway.node.support.OtlpReceiver.ReceivedSpan;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three clustered nodes (cluster ports 5861-5863) export to one OTLP receiver: a request's trace comes from the node
 * that served it and names the member that owns its rate-limit bucket, the same member the admin API names.
 */
class TracingClusterTest {
    private static final SimpleHttp HTTP = new SimpleHttp();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] PORTS = {5861, 5862, 5863};

    private final List<GatewayNode> nodes = new ArrayList<>();
    private OtlpReceiver receiver;
    private TracingExportTest.FlakyUpstream upstream;

    @AfterEach
    void stop() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void eachNodesTraceNamesTheMemberOwningTheBucket() throws Exception {
        receiver = OtlpReceiver.start();
        upstream = TracingExportTest.FlakyUpstream.start();
        String cluster = "otel-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < PORTS.length; i++) {
            nodes.add(GatewayNode.start(TestConfigs.parse(config("gw-" + (i + 1), PORTS[i], cluster))));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> nodes.stream().allMatch(n -> clusterSize(n) == 3));

        Set<String> names = Set.of("gw-1", "gw-2", "gw-3");
        for (int i = 0; i < nodes.size(); i++) {
            GatewayNode node = nodes.get(i);
            String traceId = "4bf92f3577b34da6a3ce929d0e0e473" + i;
            String consumer = "user" + i;
            // partitions migrate for a while after the third member joins: wait until every node names one owner
            await().atMost(Duration.ofSeconds(30)).during(Duration.ofMillis(500))
                    .until(() -> commonOwner("c:" + consumer) != null);
            assertThat(HTTP.get(node.proxyPort(), "/flaky/" + i, "X-API-Key", "k-" + consumer,
                    "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.trace(traceId).stream()
                    .anyMatch(s -> s.kind().equals("SERVER")));
            List<ReceivedSpan> trace = receiver.trace(traceId);
            String served = "gw-" + (i + 1);
            assertThat(trace).allSatisfy(s -> assertThat(s.resource()).containsEntry("service.instance.id", served));
            ReceivedSpan limit = trace.stream().filter(s -> s.name().equals("rate limit per-consumer")).findFirst()
                    .orElseThrow();
            String owner = limit.attr("gateway.rate_limit.owner");
            JsonNode bucket = JSON.readTree(HTTP.get(node.adminPort(), "/admin/limits/per-consumer/c:" + consumer).body());
            assertThat(owner).isIn(names).isEqualTo(bucket.get("owner").asText());
            assertThat(limit.attr("gateway.rate_limit.coalesced")).as("one request at a time: each check went alone")
                    .isEqualTo("false");
            assertThat(limit.attr("gateway.rate_limit.batch")).isEqualTo("1");
            assertThat(trace.stream().filter(s -> s.kind().equals("CLIENT"))).as("the first attempt and its retry")
                    .hasSize(2);
            System.out.println(served + " served " + consumer + "; bucket owner " + owner + ":\n"
                    + OtlpReceiver.waterfall(trace));
        }
    }

    /** The owner of a per-consumer bucket when every node's admin API names the same one, else null. */
    private String commonOwner(String key) {
        Set<String> owners = new java.util.HashSet<>();
        for (GatewayNode n : nodes) {
            try {
                JsonNode bucket = JSON.readTree(HTTP.get(n.adminPort(), "/admin/limits/per-consumer/" + key).body());
                owners.add(bucket.path("owner").asText(""));
            } catch (Exception e) {
                return null;
            }
        }
        return owners.size() == 1 && !owners.contains("") ? owners.iterator().next() : null;
    }

    private static int clusterSize(GatewayNode node) {
        try {
            return JSON.readTree(HTTP.get(node.adminPort(), "/admin/cluster").body()).path("size").asInt();
        } catch (Exception e) {
            return 0;
        }
    }

    private String config(String name, int clusterPort, String clusterName) {
        return """
                node: {name: %s, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}}
                cluster:
                  name: %s
                  listen: 127.0.0.1:%d
                  discovery: {static: [127.0.0.1:5861, 127.0.0.1:5862, 127.0.0.1:5863]}
                  expected-size: 3
                  min-size: 2
                observability:
                  access-log: {format: "off"}
                  tracing:
                    export: {otlp: "%s", sample: 1, batch: {interval: 50ms}}
                consumers:
                  user0: {api-keys: ["%s"]}
                  user1: {api-keys: ["%s"]}
                  user2: {api-keys: ["%s"]}
                auth:
                  api-key: {header: X-API-Key}
                rate-limits:
                  per-consumer: {limit: 100000, per: 1m, key: consumer}
                upstreams:
                  up:
                    targets: ["http://127.0.0.1:%d"]
                    retries: {attempts: 1, on: [503], budget: 100%%, backoff: {initial: 1ms, max: 2ms}}
                routes:
                  - {id: orders, match: {path: /**}, upstream: up, auth: [api-key], rate-limits: [per-consumer]}
                """.formatted(name, clusterName, clusterPort, receiver.endpoint(), ApiKeys.hash("k-user0"),
                ApiKeys.hash("k-user1"), ApiKeys.hash("k-user2"), upstream.port());
    }
}
