package dev.gateway.node.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.cluster.summary.LocalNodeSummaries;
import dev.gateway.cluster.summary.NodeSummaries;
import dev.gateway.cluster.summary.NodeSummary;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@code GET /admin/nodes}: live summaries as {@code up}, expired ones this view showed as {@code gone}, then forgotten. */
class NodesViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final LocalNodeSummaries summaries = new LocalNodeSummaries(Duration.ofSeconds(5), now::get);
    private final NodesView view = new NodesView(summaries, "gw-1", now::get);

    private JsonNode render() throws Exception {
        AdminReply reply = view.render();
        assertThat(reply.status()).isEqualTo(200);
        return JSON.readTree(reply.json());
    }

    private void publish(String node, String notReady) {
        summaries.publish(new NodeSummary(node, now.get(), now.get() - 65_000, 10, 2, notReady, 3,
                Map.of("users", "open"), Map.of("users", new NodeSummary.RouteStats(9, 2, 1_500, 12_250)),
                Map.of("per-ip", new NodeSummary.LimitStats(7, 2, 1))));
    }

    @Test
    void everyLiveSummaryIsARowThatIsUp() throws Exception {
        publish("gw-2", "no quorum");
        publish("gw-1", null);
        now.addAndGet(250);

        JsonNode out = render();

        assertThat(out.path("node").asText()).isEqualTo("gw-1");
        assertThat(out.path("nodes")).hasSize(2);
        JsonNode first = out.path("nodes").get(0);
        assertThat(first.path("node").asText()).isEqualTo("gw-1");
        assertThat(first.path("status").asText()).isEqualTo("up");
        assertThat(first.path("local").asBoolean()).isTrue();
        assertThat(first.path("ready").asBoolean()).isTrue();
        assertThat(first.has("reason")).isFalse();
        assertThat(first.path("config_version").asLong()).isEqualTo(3);
        assertThat(first.path("requests").asLong()).isEqualTo(10);
        assertThat(first.path("errors").asLong()).isEqualTo(2);
        assertThat(first.path("uptime_seconds").asLong()).isEqualTo(65);
        assertThat(first.path("age_ms").asLong()).isEqualTo(250);
        assertThat(first.path("breakers").path("users").asText()).isEqualTo("open");
        JsonNode route = first.path("routes").path("users");
        assertThat(route.path("requests").asLong()).isEqualTo(9);
        assertThat(route.path("errors").asLong()).isEqualTo(2);
        assertThat(route.path("p50_ms").asDouble()).isEqualTo(1.5);
        assertThat(route.path("p99_ms").asDouble()).isEqualTo(12.25);
        JsonNode policy = first.path("limits").path("per-ip");
        assertThat(policy.path("allowed").asLong()).isEqualTo(7);
        assertThat(policy.path("limited").asLong()).isEqualTo(2);
        assertThat(policy.path("fallback").asLong()).isEqualTo(1);
        JsonNode second = out.path("nodes").get(1);
        assertThat(second.path("local").asBoolean()).isFalse();
        assertThat(second.path("ready").asBoolean()).isFalse();
        assertThat(second.path("reason").asText()).isEqualTo("no quorum");
    }

    @Test
    void aNodeWhoseSummaryExpiredIsGoneAndForgottenLater() throws Exception {
        publish("gw-1", null);
        publish("gw-2", null);
        long lastSeen = now.get();
        assertThat(render().path("nodes")).hasSize(2);

        now.addAndGet(6_000);
        publish("gw-1", null);
        JsonNode gone = render().path("nodes").get(1);

        assertThat(gone.path("node").asText()).isEqualTo("gw-2");
        assertThat(gone.path("status").asText()).isEqualTo("gone");
        assertThat(gone.path("last_seen").asText()).isEqualTo(java.time.Instant.ofEpochMilli(lastSeen).toString());

        now.addAndGet(NodesView.FORGET_GONE_AFTER.toMillis());
        publish("gw-1", null);
        assertThat(render().path("nodes")).hasSize(1);
    }

    @Test
    void aClusterThatDoesNotAnswerIs503() {
        NodeSummaries silent = new NodeSummaries() {
            @Override
            public void publish(NodeSummary summary) {
            }

            @Override
            public Map<String, NodeSummary> all() {
                throw new IllegalStateException("node summaries: the cluster did not answer within 5000 ms");
            }
        };

        AdminReply reply = new NodesView(silent, "gw-1", now::get).render();

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.json()).contains("did not answer");
    }
}
