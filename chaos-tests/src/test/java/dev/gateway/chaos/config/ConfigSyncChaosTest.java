package dev.gateway.chaos.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.chaos.support.ClientTopology;
import dev.gateway.chaos.support.GatewayProcess;
import dev.gateway.chaos.support.Gateways;
import dev.gateway.chaos.support.Http;
import dev.gateway.chaos.support.Topology;
import dev.gateway.node.server.demo.DemoUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shared config as one cluster object, across three node processes ({@code min-size: 2}): a PUT on one node
 * is served by the others; an invalid PUT changes nothing anywhere; concurrent PUTs give one winner and a
 * conflict; a node started later serves the cluster's version before it is ready; admin calls without the
 * token get 401; after the whole cluster is killed, the nodes come back with their last version from disk
 * (their config file still holds version 1).
 *
 * <p>In both topologies ({@link Topology}): embedded, as above; client, three dedicated members under three
 * client-mode nodes launched the same way (the members first), where the config lives on the members only. Client
 * mode adds, before the full restart: a client node SIGKILLed changes nothing on the others; the member owning the
 * config's entry SIGKILLed loses nothing (the cluster's version stays, the next PUT takes the next version); the
 * members restarted one at a time (the killed one first, then SIGTERM and back, each in sync before the next) lose
 * nothing; the killed node started again serves the cluster's version. "The whole cluster" is then the members and
 * the nodes.
 */
@Timeout(value = 300)
class ConfigSyncChaosTest {
    private static final String TEST = "ConfigSyncChaosTest";
    /** Generous for two shared cores; the benchmark measures the real figure. */
    private static final Duration CONVERGENCE = Duration.ofSeconds(5);
    /** The one key of the shared config's map. */
    private static final String CONFIG_KEY = "shared";

    private DemoUpstream upstream;
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

    private String shared(String marker) {
        return """
                upstreams:
                  up:
                    targets:
                      - {url: http://127.0.0.1:%d}
                routes:
                  - id: v
                    match: {path: /v}
                    upstream: up
                    response: {set-headers: {X-Config: %s}}
                """.formatted(upstream.port(), marker);
    }

    /** The whole shared part as a PUT body: the file's observability section plus {@link #shared}. */
    private String body(String marker) {
        return "observability:\n  access-log: {format: off}\n" + shared(marker);
    }

    private String servedMarker(GatewayProcess node) {
        return http.get(node.proxyPort(), "/v").header("X-Config");
    }

    /** Starts node {@code index} (zero-based) again, or for the first time. */
    private GatewayProcess launch(int index) {
        return topology instanceof ClientTopology client ? client.launchNode(index) : ((Gateways) topology).launch(index);
    }

    /** Until {@code nodes} are ready and clustered (client mode: with every member). */
    private void awaitFormed(List<GatewayProcess> nodes) {
        if (topology instanceof ClientTopology client) {
            client.awaitReady(http, client.members().size(), Gateways.STARTUP);
        } else {
            ((Gateways) topology).awaitFormed(http, nodes, Gateways.STARTUP);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Topology.Mode.class)
    void oneConfigForTheWholeClusterThroughPublishesConflictsLateJoinersAndAFullRestart(Topology.Mode mode)
            throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "up");
        http = new Http();
        if (mode == Topology.Mode.CLIENT) {
            ClientTopology client = ClientTopology.prepare(TEST + "-client", 3, 3, shared("one"));
            topology = client;
            for (int i = 0; i < 3; i++) {
                client.launchMember(i);
            }
        } else {
            topology = Gateways.prepare(TEST, 3, 2, shared("one"));
        }
        GatewayProcess gw1 = launch(0);
        GatewayProcess gw2 = launch(1);
        awaitFormed(List.of(gw1, gw2));
        assertThat(gw1.configVersion(http)).isEqualTo(1);
        assertThat(gw2.configVersion(http)).isEqualTo(1);

        // a PUT on node 1 is served by node 2
        Http.Reply put = gw1.putConfig(http, body("two"));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.json().get("version").asLong()).isEqualTo(2);
        long published = System.nanoTime();
        await().atMost(CONVERGENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> "two".equals(servedMarker(gw2)) && "two".equals(servedMarker(gw1)));
        System.out.printf("config v2: served by both nodes %d ms after the PUT returned%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - published));

        // an invalid PUT: 400, every error with its path, nothing changes on any node
        Http.Reply invalid = gw2.putConfig(http, """
                upstreams:
                  up: {targets: [{url: "http://127.0.0.1:1"}], balancing: sideways}
                routes:
                  - {id: v, match: {path: /v}, upstream: nowhere}
                """);
        assertThat(invalid.status()).as(invalid.toString()).isEqualTo(400);
        assertThat(invalid.json().get("errors").findValuesAsText("path"))
                .contains("upstreams.up.balancing", "routes[0].upstream");
        assertThat(gw1.configVersion(http)).isEqualTo(2);
        assertThat(gw2.configVersion(http)).isEqualTo(2);
        assertThat(servedMarker(gw2)).isEqualTo("two");

        // concurrent PUTs on two nodes: never two winners of one version; a conflict is reported
        int conflicts = 0;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10 && conflicts == 0; round++) {
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Http.Reply>> replies = new ArrayList<>();
                for (GatewayProcess node : List.of(gw1, gw2)) {
                    String marker = "race" + round + node.name();
                    replies.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return node.putConfig(http, body(marker));
                    }));
                }
                List<Http.Reply> answers = new ArrayList<>();
                for (Future<Http.Reply> f : replies) {
                    answers.add(f.get(30, TimeUnit.SECONDS));
                }
                List<Long> winners = answers.stream().filter(r -> r.status() == 200)
                        .map(r -> r.json().get("version").asLong()).toList();
                assertThat(winners).as("versions published in round %d: %s", round, answers).doesNotHaveDuplicates();
                for (Http.Reply r : answers) {
                    assertThat(r.status()).as(r.toString()).isIn(200, 409);
                    if (r.status() == 409) {
                        conflicts++;
                        assertThat(r.json().get("error").asText()).startsWith("conflict: v");
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(conflicts).as("a conflict in 10 rounds of simultaneous PUTs").isPositive();
        await().atMost(CONVERGENCE).until(() -> gw1.configVersion(http) == gw2.configVersion(http)
                && servedMarker(gw1).equals(servedMarker(gw2)));

        // a node started later serves the cluster's version by the time it is ready
        long clusterVersion = gw1.configVersion(http);
        String clusterMarker = servedMarker(gw1);
        GatewayProcess gw3 = launch(2);
        await().atMost(Gateways.STARTUP).pollInterval(Duration.ofMillis(50)).until(() -> {
            gw3.assertAlive();
            return gw3.ready(http).status() == 200;
        });
        assertThat(gw3.configVersion(http)).isEqualTo(clusterVersion);
        assertThat(servedMarker(gw3)).isEqualTo(clusterMarker);
        JsonNode view = gw1.clusterView(http);
        await().atMost(CONVERGENCE).untilAsserted(() -> assertThat(gw1.clusterView(http).at("/config/nodes/gw-3/version")
                .asLong()).isEqualTo(clusterVersion));
        assertThat(view.at("/config/cluster_version").asLong()).isEqualTo(clusterVersion);

        // admin calls without the token
        assertThat(http.get(gw3.adminPort(), "/admin/config").status()).isEqualTo(401);
        assertThat(http.send("PUT", gw3.adminPort(), "/admin/config", Map.of(), body("x"), Duration.ofSeconds(5))
                .status()).isEqualTo(401);
        assertThat(gw3.configVersion(http)).isEqualTo(clusterVersion);

        GatewayProcess last3 = topology instanceof ClientTopology client
                ? clientNodeAndMemberLossLoseNothing(client, gw1, gw2, gw3) : gw3;

        // the whole cluster dies; it comes back with its last version, not the file's
        Http.Reply last = last3.putConfig(http, body("last"));
        assertThat(last.status()).as(last.toString()).isEqualTo(200);
        long lastVersion = last.json().get("version").asLong();
        await().atMost(CONVERGENCE).until(() -> List.of(gw1, gw2, last3).stream()
                .allMatch(n -> "last".equals(servedMarker(n))));
        for (GatewayProcess node : List.of(gw1, gw2, last3)) {
            node.kill9();
        }
        if (topology instanceof ClientTopology client) {
            client.members().forEach(GatewayProcess::kill9);
            for (int i = 0; i < 3; i++) {
                client.launchMember(i);
            }
        }
        List<GatewayProcess> restarted = List.of(launch(0), launch(1), launch(2));
        awaitFormed(restarted);
        for (GatewayProcess node : restarted) {
            assertThat(node.configVersion(http)).as(node.name()).isEqualTo(lastVersion);
            assertThat(servedMarker(node)).as(node.name()).isEqualTo("last");
        }
    }

    /**
     * Client mode: SIGKILL client node gw-3, then the member owning the config's entry, then restart the members one at
     * a time; after each step the others still serve the cluster's version and the cluster still holds it (a PUT
     * takes the next version, not the first). Returns gw-3 started again, serving the cluster's version.
     */
    private GatewayProcess clientNodeAndMemberLossLoseNothing(ClientTopology client, GatewayProcess gw1,
                                                               GatewayProcess gw2, GatewayProcess gw3) {
        long version = gw1.configVersion(http);
        String marker = servedMarker(gw1);
        gw3.kill9();
        assertClusterHolds(List.of(gw1, gw2), version, marker, "after kill -9 of client node gw-3");

        GatewayProcess owner = client.owner(client.members(), CONFIG_KEY);
        int ownerIndex = client.members().indexOf(owner);
        owner.kill9();
        List<GatewayProcess> live = client.members().stream().filter(m -> m != owner).toList();
        client.awaitWhole(http, live, Duration.ofSeconds(60));
        assertClusterHolds(List.of(gw1, gw2), version, marker, "after kill -9 of " + owner.name()
                + ", the owner of the config's entry");
        Http.Reply put = gw1.putConfig(http, body("after-member-kill"));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.json().get("version").asLong()).as("the version after the member kill").isEqualTo(version + 1);
        await().atMost(CONVERGENCE).until(() -> "after-member-kill".equals(servedMarker(gw2)));

        long t0 = System.nanoTime();
        List<Integer> order = new ArrayList<>(List.of(ownerIndex));
        for (int i = 0; i < 3; i++) {
            if (i != ownerIndex) {
                order.add(i);
            }
        }
        for (int index : order) {
            client.restartMember(index, http, Duration.ofSeconds(90));
            assertClusterHolds(List.of(gw1, gw2), version + 1, "after-member-kill",
                    "after restarting member-" + (index + 1));
        }
        System.out.printf("%s (client mode): members restarted one at a time in %d ms%n", TEST,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        GatewayProcess again = client.launchNode(2);
        awaitFormed(List.of(gw1, gw2, again));
        assertClusterHolds(List.of(gw1, gw2, again), version + 1, "after-member-kill", "gw-3 started again");
        return again;
    }

    /** Every one of {@code nodes} runs and serves {@code version}, and the cluster holds it, as seen by each. */
    private void assertClusterHolds(List<GatewayProcess> nodes, long version, String marker, String when) {
        await(when).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (GatewayProcess n : nodes) {
                assertThat(n.clusterView(http).at("/config/cluster_version").asLong()).as("%s: %s's cluster version",
                        when, n.name()).isEqualTo(version);
                assertThat(n.configVersion(http)).as("%s: %s's version", when, n.name()).isEqualTo(version);
                assertThat(servedMarker(n)).as("%s: %s serves", when, n.name()).isEqualTo(marker);
            }
        });
    }
}
