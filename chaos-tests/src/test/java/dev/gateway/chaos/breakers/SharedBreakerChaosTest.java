package dev.gateway.chaos.breakers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.chaos.support.ClientTopology;
import dev.gateway.chaos.support.GatewayProcess;
import dev.gateway.chaos.support.Gateways;
import dev.gateway.chaos.support.Http;
import dev.gateway.chaos.support.SwitchableUpstream;
import dev.gateway.chaos.support.Topology;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One breaker per upstream for the whole cluster, three node processes ({@code min-size: 2}): an upstream
 * failing for every node opens the breaker on all three; while it is open no request reaches the upstream;
 * each half-open period sends exactly one probe across the cluster; recovery closes it everywhere; a failure
 * seen through one node only leaves it closed; killing the owner of the breaker's entry keeps its state.
 *
 * <p>The last in both topologies ({@link Topology}): in client mode three client-mode nodes on three dedicated
 * members; a client node SIGKILLed, then the member owning the entry, then the members restarted one at a time
 * (the killed one first) leave the same entry (same generation, same open period) open on the surviving nodes.
 */
@Timeout(value = 300)
class SharedBreakerChaosTest {
    private static final String TEST = "SharedBreakerChaosTest";
    /** The bound the test allows on two shared cores; the figure it prints is the measurement. */
    private static final Duration PROPAGATION = Duration.ofSeconds(2);

    private SwitchableUpstream upstream;
    private Http http;
    private Topology topology;

    @AfterEach
    void stop() {
        if (topology != null) {
            topology.close();
        }
        if (http != null) {
            http.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private List<GatewayProcess> startCluster(String test, String openFor) throws Exception {
        return startCluster(Topology.Mode.EMBEDDED, test, openFor);
    }

    /** Three serving nodes: embedded ({@code min-size: 2}), or client-mode nodes of three members. */
    private List<GatewayProcess> startCluster(Topology.Mode mode, String test, String openFor) throws Exception {
        upstream = SwitchableUpstream.start();
        http = new Http();
        String shared = """
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
                """.formatted(upstream.port(), openFor);
        List<GatewayProcess> nodes;
        if (mode == Topology.Mode.CLIENT) {
            ClientTopology client = ClientTopology.start(test + "-client", 3, 3, shared);
            topology = client;
            nodes = client.nodes();
            client.awaitReady(http, 3, Gateways.STARTUP);
        } else {
            Gateways gateways = Gateways.start(test, 3, 2, shared);
            topology = gateways;
            nodes = gateways.nodes();
            gateways.awaitFormed(http, nodes, Gateways.STARTUP);
        }
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

    @ParameterizedTest(name = "{0}")
    @EnumSource(Topology.Mode.class)
    void killingTheOwnerOfTheBreakersEntryKeepsItOpen(Topology.Mode mode) throws Exception {
        // open-for: the whole test runs within it (client mode restarts three members)
        List<GatewayProcess> nodes = startCluster(mode, TEST + "Owner", "200s");
        topology.awaitWhole(http, topology.holders(), Duration.ofSeconds(60));
        upstream.failing();
        for (int i = 0; i < 4; i++) {
            for (GatewayProcess n : nodes) {
                call(n);
            }
        }
        await().atMost(PROPAGATION).until(() -> nodes.stream().allMatch(n -> stateOn(n).equals("open")));
        JsonNode held = breaker(nodes.get(0)).path("cluster");
        List<GatewayProcess> serving = nodes;
        if (mode == Topology.Mode.CLIENT) {
            nodes.get(2).kill9();
            serving = nodes.subList(0, 2);
            assertStillOpen(serving, held, "after kill -9 of client node " + nodes.get(2).name(), Instant.now());
        }
        GatewayProcess owner = topology.owner(topology.holders(), "up");
        owner.kill9();
        List<GatewayProcess> liveHolders = topology.holders().stream().filter(h -> h != owner).toList();
        List<GatewayProcess> survivors = topology.serving(liveHolders).stream().filter(GatewayProcess::alive).toList();
        assertThat(survivors).hasSize(2);
        // the survivors' views may still be the ones they held before: judge the entry once the cluster is whole again
        topology.awaitWhole(http, liveHolders, Duration.ofSeconds(60));
        assertStillOpen(survivors, held, "after kill -9 of " + owner.name() + ", the owner of the breaker's entry",
                Instant.now());
        if (topology instanceof ClientTopology client) {
            int ownerIndex = client.members().indexOf(owner);
            List<Integer> order = new ArrayList<>(List.of(ownerIndex));
            for (int i = 0; i < 3; i++) {
                if (i != ownerIndex) {
                    order.add(i);
                }
            }
            long t0 = System.nanoTime();
            for (int index : order) {
                client.restartMember(index, http, Duration.ofSeconds(90));
                assertStillOpen(survivors, held, "after restarting member-" + (index + 1), Instant.now());
            }
            System.out.printf("shared breaker (client mode): members restarted one at a time in %d ms, still open%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
    }

    /**
     * Every one of {@code survivors} follows the cluster's breaker, and that is still the entry {@code held}: open, the
     * same generation (not an entry recreated from a survivor's view), the same open period; refused, and nothing
     * reaches the upstream. A view counts once it holds the survivor's own report from after {@code since} (a view
     * from before a kill would pass whatever happened to the entry).
     */
    private void assertStillOpen(List<GatewayProcess> survivors, JsonNode held, String when, Instant since) {
        String openUntil = held.path("open_until").asText();
        long generation = held.path("generation").asLong(-1);
        await(when).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (GatewayProcess n : survivors) {
                JsonNode b = breaker(n);
                assertThat(Instant.parse(b.path("cluster").path("nodes").path(n.name()).path("reported_at")
                        .asText(Instant.EPOCH.toString()))).as("%s: %s's own report in its view", when, n.name())
                        .isAfter(since);
                assertThat(b.path("follows_cluster").asBoolean()).as("%s: %s follows the cluster", when, n.name())
                        .isTrue();
                assertThat(b.path("cluster").path("state").asText()).as("%s: %s", when, n.name()).isEqualTo("open");
                assertThat(b.path("cluster").path("generation").asLong(-1)).as("%s: %s's generation (held %s)", when,
                        n.name(), held).isEqualTo(generation);
                // the same open period: each node shows it on its own clock (moved from the owner's), so within
                // the clocks' offsets of each other, a few ms on one host
                assertThat(Instant.parse(b.path("cluster").path("open_until").asText()))
                        .isCloseTo(Instant.parse(openUntil), within(250, ChronoUnit.MILLIS));
            }
        });
        int before = upstream.calls();
        for (GatewayProcess n : survivors) {
            assertThat(refusedByBreaker(call(n))).as("%s: %s refuses", when, n.name()).isTrue();
        }
        assertThat(upstream.calls()).as("%s: nothing reaches the upstream", when).isEqualTo(before);
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
