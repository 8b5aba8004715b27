package dev.gateway.chaos.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.chaos.support.ClientTopology;
import dev.gateway.chaos.support.FakeTime;
import dev.gateway.chaos.support.GatewayProcess;
import dev.gateway.chaos.support.Gateways;
import dev.gateway.chaos.support.Http;
import dev.gateway.chaos.support.LimitsReport;
import dev.gateway.chaos.support.SwitchableUpstream;
import dev.gateway.chaos.support.Topology;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Three node processes whose wall clocks disagree by a minute: gw-1 on the host's clock, gw-2 under libfaketime
 * 30 s ahead, gw-3 30 s behind. Shared state is decided on the owner's clock (the cluster's time), so the skew
 * changes nothing: a global token bucket admits at least its limit and no more than its limit plus what refilled
 * in the real time the test took; a breaker failing through one node only stays closed, one failing through all
 * opens; while it is half-open exactly one probe reaches the upstream per open period, never before the open
 * period has passed.
 *
 * <p>Embedded here; {@link ClientModeClockSkewChaosTest} runs the same in the client topology, where the three
 * client-mode nodes and the three members are skewed alike (0, +30 s, -30 s).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240)
class ClockSkewChaosTest {
    private static final String TEST = "ClockSkewChaosTest";
    private static final long SKEW_SECONDS = 30;
    /** 60 per minute: one token a second. */
    private static final int LIMIT = 60;
    private static final long OPEN_FOR_MILLIS = 3_000;

    private SwitchableUpstream healthy;
    private SwitchableUpstream breaking;
    private Http http;
    private Topology topology;
    private List<GatewayProcess> nodes;

    /** The topology the scenario runs in. */
    Topology.Mode mode() {
        return Topology.Mode.EMBEDDED;
    }

    private String test() {
        return mode() == Topology.Mode.EMBEDDED ? TEST : TEST + " (client mode)";
    }

    @BeforeAll
    void startCluster() throws Exception {
        Map<String, String> ahead = FakeTime.skewed(SKEW_SECONDS);
        Map<String, String> behind = FakeTime.skewed(-SKEW_SECONDS);
        healthy = SwitchableUpstream.start();
        breaking = SwitchableUpstream.start();
        http = new Http();
        String shared = """
                upstreams:
                  ok:
                    targets:
                      - {url: http://127.0.0.1:%d}
                    pool: {max-connections: 64}
                  up:
                    targets:
                      - {url: http://127.0.0.1:%d}
                    circuit-breaker:
                      scope: cluster
                      failure-rate: 50%%
                      minimum-calls: 12
                      window: 10s
                      open-for: %dms
                      half-open-probes: 1
                rate-limits:
                  tb: {algorithm: token-bucket, limit: %d, per: 1m, key: global}
                routes:
                  - {id: tb, match: {path: /tb/**}, upstream: ok, rate-limits: [tb]}
                  - {id: b, match: {path: /b}, upstream: up}
                """.formatted(healthy.port(), breaking.port(), OPEN_FOR_MILLIS, LIMIT);
        if (mode() == Topology.Mode.CLIENT) {
            ClientTopology client = ClientTopology.prepare(TEST + "-client", 3, 3, 2, shared);
            topology = client;
            client.launchMember(0);
            client.launchMember(1, ahead);
            client.launchMember(2, behind);
            client.launchNode(0);
            client.launchNode(1, ahead);
            client.launchNode(2, behind);
            nodes = client.nodes();
            client.awaitReady(http, 3, Gateways.STARTUP);
        } else {
            Gateways gateways = Gateways.prepare(TEST, 3, 2, shared);
            topology = gateways;
            gateways.launch(0);
            gateways.launch(1, ahead);
            gateways.launch(2, behind);
            nodes = gateways.nodes();
            gateways.awaitFormed(http, nodes, Gateways.STARTUP);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes.stream().allMatch(n ->
                breaker(n).path("follows_cluster").asBoolean()));
    }

    @AfterAll
    void stopCluster() {
        if (topology != null) {
            topology.close();
        }
        if (http != null) {
            http.close();
        }
        if (healthy != null) {
            healthy.close();
        }
        if (breaking != null) {
            breaking.close();
        }
    }

    @Order(1)
    @Test
    void theNodesRunOnClocksAMinuteApart() {
        long[] expected = {0, SKEW_SECONDS * 1000, -SKEW_SECONDS * 1000};
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            long before = System.currentTimeMillis();
            JsonNode clock = nodes.get(i).clusterView(http).path("clock");
            long after = System.currentTimeMillis();
            long skew = clock.path("local_ms").asLong() - (before + after) / 2;
            seen.append(String.format(" %s: wall clock %+d ms, cluster time %+d ms from it;", nodes.get(i).name(), skew,
                    clock.path("offset_ms").asLong()));
            assertThat(skew).as("%s's wall clock against the test's", nodes.get(i).name())
                    .isBetween(expected[i] - 3_000, expected[i] + 3_000);
        }
        LimitsReport.line(test(), "skew:" + seen);
        List<Long> clusterTimes = nodes.stream().map(n -> {
            JsonNode c = n.clusterView(http).path("clock");
            return c.path("local_ms").asLong() + c.path("offset_ms").asLong();
        }).toList();
        assertThat(clusterTimes).as("one cluster time on every node, whatever its wall clock")
                .allSatisfy(t -> assertThat(Math.abs(t - clusterTimes.get(0))).isLessThan(3_000));
    }

    /**
     * The bucket (60, one token a second) is drained through the node on the host's clock, then requests go
     * through all three nodes for 8 s, far above one a second. Over the whole test the cluster admits its limit
     * plus the refill of the real time elapsed. Decided on the callers' clocks, the node 30 s ahead would find
     * 30 s of refill in the drained bucket (and the node behind none).
     */
    @Order(2)
    @Test
    void aGlobalBucketAdmitsItsLimitPlusTheRealRefillOnly() throws Exception {
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        Map<String, AtomicInteger> byNode = Map.of(nodes.get(0).name(), new AtomicInteger(),
                nodes.get(1).name(), new AtomicInteger(), nodes.get(2).name(), new AtomicInteger());
        long start = System.nanoTime();
        GatewayProcess onHostClock = nodes.get(0);
        for (int i = 0; i < 1_000; i++) {
            int status = http.get(onHostClock.proxyPort(), "/tb/x").status();
            if (status != 200) {
                assertThat(status).as("draining through %s", onHostClock.name()).isEqualTo(429);
                refused.incrementAndGet();
                break;
            }
            admitted.incrementAndGet();
            byNode.get(onHostClock.name()).incrementAndGet();
        }
        long drainedMillis = (System.nanoTime() - start) / 1_000_000;
        long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        for (GatewayProcess n : nodes) {
            pool.execute(() -> {
                for (int i = 0; i < 20_000 && System.nanoTime() < end; i++) {
                    int status = http.get(n.proxyPort(), "/tb/x").status();
                    if (status == 200) {
                        admitted.incrementAndGet();
                        byNode.get(n.name()).incrementAndGet();
                    } else if (status == 429) {
                        refused.incrementAndGet();
                    } else {
                        other.incrementAndGet();
                    }
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        double elapsedSeconds = (System.nanoTime() - start) / 1e9;
        long refill = (long) Math.floor(elapsedSeconds * LIMIT / 60.0);
        long fallbacks = nodes.stream().mapToLong(n -> n.decisions(http, "tb", "fallback")).sum();
        LimitsReport.line(test(), String.format("token-bucket %d/1m, key global, nodes at 0 s, +30 s, -30 s: drained"
                        + " through %s in %d ms, then load through all 3, %.1f s in all: admitted %d %s, refused %d,"
                        + " other %d, cluster fallbacks %d; bound %d..%d (limit + real refill)", LIMIT,
                onHostClock.name(), drainedMillis, elapsedSeconds, admitted.get(), byNode, refused.get(),
                other.get(), fallbacks, LIMIT, LIMIT + refill + 1));

        assertThat(other.get()).as("answers other than 200/429").isZero();
        assertThat(refused.get()).as("the load outran the bucket").isPositive();
        assertThat(fallbacks).as("checks decided by a node's local fallback").isZero();
        assertThat(admitted.get()).as("admitted in %.1f s: the limit plus one token a second, not 30 s of skew",
                elapsedSeconds).isBetween(LIMIT, (int) (LIMIT + refill + 1));
    }

    /** The upstream fails through the node 30 s ahead only: its reports must not age the others' away. */
    @Order(3)
    @Test
    void aFailureSeenThroughTheNodeAheadOnlyLeavesTheBreakerClosed() {
        GatewayProcess ahead = nodes.get(1);
        breaking.failingFor(ahead.name());
        for (int i = 0; i < 40; i++) {
            assertThat(call(ahead).status()).isEqualTo(503);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(call(nodes.get(0)).status()).isEqualTo(200);
            assertThat(call(nodes.get(2)).status()).isEqualTo(200);
        }
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() ->
                breaker(nodes.get(0)).path("cluster").path("nodes").has(ahead.name())
                        && breaker(nodes.get(0)).path("cluster").path("nodes").size() == 3);
        for (GatewayProcess n : nodes) {
            assertThat(breaker(n).path("cluster").path("state").asText())
                    .as("%s: the cluster's breaker, on the evidence of %s", n.name(),
                            breaker(n).path("cluster").path("nodes"))
                    .isEqualTo("closed");
        }
        breaking.healthy();
    }

    /**
     * Failing through every node: open everywhere, every node refusing with a Retry-After within the open period
     * (read on a caller's clock, the owner's open-until would be 30 s off on two of them), then one probe per
     * open period, none early.
     */
    @Order(4)
    @Test
    void aBreakerFailingEverywhereOpensAndSendsExactlyOneProbePerOpenPeriod() throws Exception {
        // let the one-node failures of the test before age out of every window first
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> nodes.stream()
                .allMatch(n -> !breaker(n).path("state").asText().equals("open")));
        breaking.failing();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (GatewayProcess n : nodes) {
                call(n);
            }
            return nodes.stream().allMatch(n -> breaker(n).path("cluster").path("state").asText().equals("open"));
        });
        long openEverywhere = System.nanoTime();
        int before = breaking.calls();
        // every node reads the owner's open period on its own clock: refused, retry after 1 to 3 s
        for (GatewayProcess n : nodes) {
            Http.Reply reply = call(n);
            assertThat(reply.status() == 503 && reply.body().contains("circuit breaker open"))
                    .as("%s refuses: %s", n.name(), reply).isTrue();
            assertThat(Integer.parseInt(reply.header("Retry-After"))).as("%s's Retry-After", n.name())
                    .isBetween(1, (int) (OPEN_FOR_MILLIS / 1000));
        }
        assertThat(breaking.calls()).as("nothing reached the upstream").isEqualTo(before);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10)).until(() -> {
            for (GatewayProcess n : nodes) {
                call(n);
            }
            return breaking.calls() > before;
        });
        long firstProbeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openEverywhere);
        int afterFirstProbe = breaking.calls();
        // the failed probe reopened it for open-for: load on every node for 2 s lets nothing through
        int sent = hammer(Duration.ofSeconds(2));
        int afterHammer = breaking.calls();
        LimitsReport.line(test(), String.format("breaker (open-for %d ms): open on all 3 nodes; first probe %d ms later,"
                        + " %d call(s) reached the upstream for it; then %d requests in 2 s let %d through",
                OPEN_FOR_MILLIS, firstProbeMillis, afterFirstProbe - before, sent, afterHammer - afterFirstProbe));

        assertThat(afterFirstProbe - before).as("probes for one half-open period, cluster-wide").isEqualTo(1);
        assertThat(firstProbeMillis).as("no probe before the owner's open period passed (less the time it took"
                + " every node to hear of it)").isGreaterThanOrEqualTo(OPEN_FOR_MILLIS - 1_000);
        assertThat(sent).isPositive();
        assertThat(afterHammer).as("reopened by the failed probe: nothing more got through").isEqualTo(afterFirstProbe);

        breaking.healthy();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (GatewayProcess n : nodes) {
                call(n);
            }
            return nodes.stream().allMatch(n -> breaker(n).path("state").asText().equals("closed"));
        });
    }

    private JsonNode breaker(GatewayProcess node) {
        Http.Reply reply = node.admin(http, "GET", "/admin/breakers", null);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json().path("breakers").path("up");
    }

    private Http.Reply call(GatewayProcess node) {
        return http.get(node.proxyPort(), "/b");
    }

    /** Requests to the breaker's route through every node from three threads for {@code time}; the number sent. */
    private int hammer(Duration time) throws InterruptedException {
        AtomicInteger sent = new AtomicInteger();
        long end = System.nanoTime() + time.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        for (GatewayProcess n : nodes) {
            pool.execute(() -> {
                for (int i = 0; i < 100_000 && System.nanoTime() < end; i++) {
                    call(n);
                    sent.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(time.toSeconds() + 20, TimeUnit.SECONDS)).isTrue();
        return sent.get();
    }
}
