package dev.gateway.chaos.breakers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.chaos.support.GatewayProcess;
import dev.gateway.chaos.support.Gateways;
import dev.gateway.chaos.support.Http;
import dev.gateway.chaos.support.KeyOwners;
import dev.gateway.chaos.support.SwitchableUpstream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One breaker per upstream for the whole cluster, three node processes ({@code min-size: 2}): an upstream
 * failing for every node opens the breaker on all three; while it is open no request reaches the upstream;
 * each half-open period sends exactly one probe across the cluster; recovery closes it everywhere; a failure
 * seen through one node only leaves it closed; killing the owner of the breaker's entry keeps its state.
 */
@Timeout(value = 240)
class SharedBreakerChaosTest {
    private static final String TEST = "SharedBreakerChaosTest";
    /** The bound the test allows on two shared cores; the figure it prints is the measurement. */
    private static final Duration PROPAGATION = Duration.ofSeconds(2);

    private SwitchableUpstream upstream;
    private Http http;
    private Gateways gateways;

    @AfterEach
    void stop() {
        if (gateways != null) {
            gateways.close();
        }
        if (http != null) {
            http.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private List<GatewayProcess> startCluster(String test, String openFor) throws Exception {
        upstream = SwitchableUpstream.start();
        http = new Http();
        gateways = Gateways.start(test, 3, 2, """
                upstreams:
                  up:
                    targets:
                      - {url: http://127.0.0.1:%d}
                    circuit-breaker:
                      scope: cluster
                      failure-rate: 50%%
                      minimum-calls: 12
                      window: 10s
                      open-for: %s
                      half-open-probes: 1
                routes:
                  - {id: b, match: {path: /b}, upstream: up}
                """.formatted(upstream.port(), openFor));
        List<GatewayProcess> nodes = gateways.nodes();
        gateways.awaitFormed(http, nodes, Gateways.STARTUP);
        // every node has heard of the breaker before the test starts counting
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes.stream().allMatch(n ->
                breaker(n).path("follows_cluster").asBoolean()));
        return nodes;
    }

    private JsonNode breaker(GatewayProcess node) {
        Http.Reply reply = node.admin(http, "GET", "/admin/breakers", null);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json().path("breakers").path("up");
    }

    private String stateOn(GatewayProcess node) {
        return breaker(node).path("state").asText();
    }

    private Http.Reply call(GatewayProcess node) {
        return http.get(node.proxyPort(), "/b");
    }

    private static boolean refusedByBreaker(Http.Reply reply) {
        return reply.status() == 503 && reply.body().contains("circuit breaker open");
    }

    @Test
    void anUpstreamFailingForEveryNodeOpensTheBreakerEverywhereProbesOnceAndRecovers() throws Exception {
        List<GatewayProcess> nodes = startCluster(TEST, "3s");
        upstream.failing();
        // 4 failures through each node: 12 in all, the minimum; every node sees 100%
        for (int i = 0; i < 4; i++) {
            for (GatewayProcess n : nodes) {
                assertThat(call(n).status()).isEqualTo(503);
            }
        }
        long tripped = System.nanoTime();
        await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(20))
                .until(() -> nodes.stream().allMatch(n -> stateOn(n).equals("open")));
        System.out.printf("shared breaker: open on all 3 nodes %d ms after the 12th failure%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - tripped));

        // open: refused with 503 + Retry-After on every node, and nothing reaches the upstream
        int before = upstream.calls();
        for (GatewayProcess n : nodes) {
            Http.Reply reply = call(n);
            assertThat(refusedByBreaker(reply)).as(reply.toString()).isTrue();
            assertThat(Integer.parseInt(reply.header("Retry-After"))).isBetween(1, 3);
        }
        assertThat(upstream.calls()).isEqualTo(before);

        // half-open with the upstream still down: one probe across the cluster per open period
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            hammerOnce(nodes);
            return upstream.calls() > before;
        });
        int afterFirstProbe = upstream.calls();
        assertThat(afterFirstProbe).isEqualTo(before + 1);
        // the failed probe reopened it for 3 s: load on every node for 2 s lets nothing through
        assertThat(hammer(nodes, Duration.ofSeconds(2))).isPositive();
        assertThat(upstream.calls()).isEqualTo(afterFirstProbe);

        // recovery: the next probe succeeds and closes it everywhere
        upstream.healthy();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
            hammerOnce(nodes);
            return nodes.stream().allMatch(n -> stateOn(n).equals("closed"));
        });
        for (GatewayProcess n : nodes) {
            assertThat(call(n).status()).isEqualTo(200);
        }
    }

    @Test
    void aFailureSeenThroughOneNodeOnlyLeavesTheBreakerClosed() throws Exception {
        List<GatewayProcess> nodes = startCluster(TEST + "OneNode", "3s");
        upstream.failingFor(nodes.get(0).name());
        // the first node's own breaker trips on what only it sees (5 failures in a row: consecutive-failures'
        // default) and refuses the rest
        for (int i = 0; i < 40; i++) {
            assertThat(call(nodes.get(0)).status()).isEqualTo(503);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(call(nodes.get(1)).status()).isEqualTo(200);
            assertThat(call(nodes.get(2)).status()).isEqualTo(200);
        }
        // a full report interval and more for the owner to decide
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                breaker(nodes.get(1)).path("cluster").path("nodes").path(nodes.get(0).name()).path("failures")
                        .asLong() == 5);
        // a majority of nodes does not see the failure: the cluster's breaker stays closed for everyone else
        for (GatewayProcess n : nodes) {
            assertThat(breaker(n).path("cluster").path("state").asText()).as(n.name()).isEqualTo("closed");
        }
        assertThat(stateOn(nodes.get(0))).as("the first node protects itself").isEqualTo("open");
        for (GatewayProcess n : nodes.subList(1, 3)) {
            assertThat(stateOn(n)).as(n.name()).isEqualTo("closed");
        }
        assertThat(call(nodes.get(1)).status()).isEqualTo(200);
        assertThat(call(nodes.get(2)).status()).isEqualTo(200);
    }

    @Test
    void killingTheOwnerOfTheBreakersEntryKeepsItOpen() throws Exception {
        List<GatewayProcess> nodes = startCluster(TEST + "Owner", "60s");
        gateways.awaitStable(http, nodes, Duration.ofSeconds(60));
        upstream.failing();
        for (int i = 0; i < 4; i++) {
            for (GatewayProcess n : nodes) {
                call(n);
            }
        }
        await().atMost(PROPAGATION).until(() -> nodes.stream().allMatch(n -> stateOn(n).equals("open")));
        String openUntil = breaker(nodes.get(0)).path("cluster").path("open_until").asText();
        GatewayProcess owner = KeyOwners.owner(gateways, nodes, "up");
        owner.kill9();
        List<GatewayProcess> survivors = new ArrayList<>(nodes);
        survivors.remove(owner);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (GatewayProcess n : survivors) {
                JsonNode b = breaker(n);
                assertThat(b.path("follows_cluster").asBoolean()).isTrue();
                assertThat(b.path("cluster").path("state").asText()).isEqualTo("open");
                // the same open period: each node shows it on its own clock (moved from the owner's), so within
                // the clocks' offsets of each other, a few ms on one host
                assertThat(Instant.parse(b.path("cluster").path("open_until").asText()))
                        .isCloseTo(Instant.parse(openUntil), within(250, ChronoUnit.MILLIS));
            }
        });
        int before = upstream.calls();
        for (GatewayProcess n : survivors) {
            assertThat(refusedByBreaker(call(n))).isTrue();
        }
        assertThat(upstream.calls()).isEqualTo(before);
    }

    /** One request through each node. */
    private void hammerOnce(List<GatewayProcess> nodes) {
        for (GatewayProcess n : nodes) {
            call(n);
        }
    }

    /** Requests through every node from three threads for {@code time}; the number sent. */
    private int hammer(List<GatewayProcess> nodes, Duration time) throws InterruptedException {
        AtomicInteger sent = new AtomicInteger();
        long end = System.nanoTime() + time.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        for (GatewayProcess n : nodes) {
            pool.execute(() -> {
                while (System.nanoTime() < end) {
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
