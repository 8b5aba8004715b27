package dev.gateway.chaos.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.chaos.support.GatewayProcess;
import dev.gateway.chaos.support.Gateways;
import dev.gateway.chaos.support.Http;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared config as one cluster object, across three node processes ({@code min-size: 2}): a PUT on one node
 * is served by the others; an invalid PUT changes nothing anywhere; concurrent PUTs give one winner and a
 * conflict; a node started later serves the cluster's version before it is ready; admin calls without the
 * token get 401; after the whole cluster is killed, the nodes come back with their last version from disk
 * (their config file still holds version 1).
 */
@Timeout(value = 240)
class ConfigSyncChaosTest {
    private static final String TEST = "ConfigSyncChaosTest";
    /** Generous for two shared cores; the benchmark measures the real figure. */
    private static final Duration CONVERGENCE = Duration.ofSeconds(5);

    private DemoUpstream upstream;
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

    @Test
    void oneConfigForTheWholeClusterThroughPublishesConflictsLateJoinersAndAFullRestart() throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "up");
        http = new Http();
        gateways = Gateways.prepare(TEST, 3, 2, shared("one"));
        GatewayProcess gw1 = gateways.launch(0);
        GatewayProcess gw2 = gateways.launch(1);
        gateways.awaitFormed(http, List.of(gw1, gw2), Gateways.STARTUP);
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
        GatewayProcess gw3 = gateways.launch(2);
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

        // the whole cluster dies; it comes back with its last version, not the file's
        Http.Reply last = gw3.putConfig(http, body("last"));
        assertThat(last.status()).as(last.toString()).isEqualTo(200);
        long lastVersion = last.json().get("version").asLong();
        await().atMost(CONVERGENCE).until(() -> List.of(gw1, gw2, gw3).stream()
                .allMatch(n -> "last".equals(servedMarker(n))));
        for (GatewayProcess node : List.of(gw1, gw2, gw3)) {
            node.kill9();
        }
        List<GatewayProcess> restarted = List.of(gateways.launch(0), gateways.launch(1), gateways.launch(2));
        gateways.awaitFormed(http, restarted, Gateways.STARTUP);
        for (GatewayProcess node : restarted) {
            assertThat(node.configVersion(http)).as(node.name()).isEqualTo(lastVersion);
            assertThat(servedMarker(node)).as(node.name()).isEqualTo("last");
        }
    }
}
