package dev.gateway.cluster.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every {@link NodeSummaries} promises; {@link #store()} is empty at the start of each test. */
abstract class NodeSummariesContract {
    protected abstract NodeSummaries store();

    /** The same store seen from another node (itself for a process-local store). */
    protected abstract NodeSummaries otherNode();

    /** Lets the store's time to live pass for everything published so far. */
    protected abstract void letTimeToLivePass();

    static NodeSummary summary(String node, long requests) {
        return new NodeSummary(node, 1_700_000_001_000L, 1_700_000_000_000L, requests, 3, null, 7,
                Map.of("users", "open", "orders", "closed"),
                Map.of("users", new NodeSummary.RouteStats(40, 3, 1_200, 9_800), "", new NodeSummary.RouteStats(2, 0, 80, 95)),
                Map.of("per-ip", new NodeSummary.LimitStats(30, 9, 1)));
    }

    @Test
    void aPublishedSummaryIsSeenWholeFromEveryNode() {
        NodeSummary mine = summary("gw-1", 42);
        NodeSummary notReady = new NodeSummary("gw-2", 5, 4, 0, 0, "no quorum", 6, Map.of());
        store().publish(mine);
        otherNode().publish(notReady);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(otherNode().all()).containsOnlyKeys("gw-1", "gw-2");
            assertThat(otherNode().all().get("gw-1")).isEqualTo(mine);
            assertThat(store().all().get("gw-2")).isEqualTo(notReady);
        });
        assertThat(store().all().get("gw-2").ready()).isFalse();
        assertThat(store().all().get("gw-1").breakers()).containsEntry("users", "open");
        assertThat(otherNode().all().get("gw-1").routes())
                .containsEntry("users", new NodeSummary.RouteStats(40, 3, 1_200, 9_800))
                .containsEntry("", new NodeSummary.RouteStats(2, 0, 80, 95));
        assertThat(otherNode().all().get("gw-1").limits()).containsEntry("per-ip", new NodeSummary.LimitStats(30, 9, 1));
    }

    @Test
    void aLaterPublishReplacesTheEarlierOne() {
        // a publish is fire-and-forget and a node publishes every second: one may be lost (a client's first calls
        // while it still learns the partition table), so each step publishes again until the other node sees it
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            store().publish(summary("gw-1", 1));
            assertThat(otherNode().all()).containsKey("gw-1");
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            store().publish(summary("gw-1", 2));
            assertThat(otherNode().all().get("gw-1")).isNotNull().extracting(NodeSummary::requests).isEqualTo(2L);
        });
        assertThat(otherNode().all()).hasSize(1);
    }

    @Test
    void aSummaryNotRenewedWithinItsTimeToLiveIsGone() {
        store().publish(summary("gw-1", 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> otherNode().all().containsKey("gw-1"));

        letTimeToLivePass();

        await().atMost(Duration.ofSeconds(10)).until(() -> otherNode().all().isEmpty());
        assertThat(store().all()).isEmpty();
    }
}
