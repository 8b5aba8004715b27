package dev.gateway.chaos.breakers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.chaos.support.GatewayProcess;
import dev.gateway.chaos.support.Gateways;
import dev.gateway.chaos.support.Http;
import dev.gateway.chaos.support.LimitsReport;
import dev.gateway.chaos.support.SwitchableUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 18, "breaker views that can stick": four node processes ({@code min-size: 2}, {@code cluster.backups: 1},
 * the default below an expected size of 5), one shared breaker. It opens on all four; then the two members holding
 * its entry (owner and backup, as {@code /admin/breakers} names them) are SIGKILLed at once, so the entry is lost
 * and the next report recreates it from the view the reporting survivor held: open, for the rest of the open
 * period. The survivors must take that new entry under a generation above the one they held (generations never go
 * back), agree on it within 3 s of the first survivor taking it, and keep refusing: a lost entry does not close a
 * breaker the cluster had opened, and nothing reaches the still-failing upstream.
 *
 * <p>Timing: nothing answers for the lost entry until the survivors drop the dead members (about 5 s without
 * heartbeat); the test measures from the kill and from the first new view, prints both, and allows the 3 s of the
 * issue from the first new view, 15 s from the kill.
 */
@Timeout(value = 180)
class BreakerEntryLossTest {
    private static final String TEST = "BreakerEntryLossTest";
    private static final Duration RESYNC = Duration.ofSeconds(3);
    private static final Duration FROM_KILL = Duration.ofSeconds(15);

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

    @Test
    void losingTheOwnerAndBackupOfAnOpenBreakersEntryLeavesEverySurvivorOnOneNewerViewThatStaysOpen() throws Exception {
        upstream = SwitchableUpstream.start();
        http = new Http();
        // minimum-calls 12 over 4 nodes: 3 failures through each trip the cluster's breaker; a node's own breaker
        // trips at 10 failures in a row or 12 calls, which no node sees alone here, so what the survivors refuse
        // after the loss is the cluster's decision, not their own; open-for 60 s: the whole test runs within it
        gateways = Gateways.start(TEST, 4, 2, """
                upstreams:
                  up:
                    targets:
                      - {url: http://127.0.0.1:%d}
                    circuit-breaker:
                      scope: cluster
                      failure-rate: 50%%
                      minimum-calls: 12
                      window: 10s
                      open-for: 60s
                      half-open-probes: 1
                      consecutive-failures: 10
                routes:
                  - {id: b, match: {path: /b}, upstream: up}
                """.formatted(upstream.port()));
        List<GatewayProcess> nodes = gateways.nodes();
        long t0 = System.nanoTime();
        gateways.awaitFormed(http, nodes, Gateways.STARTUP);
        gateways.awaitStable(http, nodes, Duration.ofSeconds(60));
        await("every node follows the cluster's breaker").atMost(Duration.ofSeconds(10))
                .until(() -> nodes.stream().allMatch(n -> breaker(n).path("follows_cluster").asBoolean()));
        System.out.printf("%s: 4 nodes ready and stable in %d ms%n", TEST, ms(t0));

        upstream.failing();
        for (int i = 0; i < 3; i++) {
            for (GatewayProcess n : nodes) {
                assertThat(call(n).status()).isEqualTo(503);
            }
        }
        await("open on all 4").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> nodes.stream().allMatch(n -> view(n).equals(view(nodes.get(0)))
                        && view(n).state().equals("open") && breaker(n).path("state").asText().equals("open")));
        View held = view(nodes.get(0));

        // the two members holding the entry, as every node names them
        List<String> holders = new ArrayList<>();
        await("owner and backup of the breaker's entry, the same on every node").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> {
                    List<String> seen = holders(nodes.get(0));
                    assertThat(seen).hasSize(2).doesNotHaveDuplicates();
                    for (GatewayProcess n : nodes) {
                        assertThat(holders(n)).as(n.name()).isEqualTo(seen);
                    }
                    holders.clear();
                    holders.addAll(seen);
                });
        List<GatewayProcess> doomed = nodes.stream().filter(n -> holders.contains(n.name())).toList();
        List<GatewayProcess> survivors = nodes.stream().filter(n -> !holders.contains(n.name())).toList();
        assertThat(doomed).hasSize(2);

        int callsBefore = upstream.calls();
        long killedAt = System.nanoTime();
        for (GatewayProcess n : doomed) {
            n.kill9();
        }
        long killMillis = ms(killedAt);

        // the survivors take the recreated entry: one view, above the generation they held, open (re-seeded from
        // a survivor's view: the old entry is gone)
        AtomicLong firstNewAt = new AtomicLong();
        await("every survivor on one view newer than " + held).atMost(FROM_KILL).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    Map<String, View> views = new TreeMap<>();
                    survivors.forEach(n -> views.put(n.name(), view(n)));
                    if (firstNewAt.get() == 0 && views.values().stream().anyMatch(v -> !v.equals(held))) {
                        firstNewAt.set(System.nanoTime());
                    }
                    assertThat(views).as("the survivors' views").doesNotContainValue(held);
                    assertThat(new java.util.HashSet<>(views.values())).as("the survivors' views: " + views).hasSize(1);
                });
        long convergedAt = System.nanoTime();
        View taken = view(survivors.get(0));
        long fromFirst = TimeUnit.NANOSECONDS.toMillis(convergedAt - firstNewAt.get());
        LimitsReport.line(TEST, String.format("kill -9 %s (owner and backup of the open breaker's entry, %s) in %d ms:"
                        + " survivors %s on one view %s %d ms after the kill, %d ms after the first survivor left %s",
                holders, held, killMillis, names(survivors), taken, ms(killedAt), fromFirst, held));
        assertThat(taken.generation()).as("generations never go back (held %s)", held)
                .isGreaterThan(held.generation());
        assertThat(taken.state()).as("the entry was lost: the recreated one is open, as the survivors knew it")
                .isEqualTo("open");
        assertThat(Duration.ofMillis(fromFirst)).as("every survivor re-synced within 3 s of the first").isLessThanOrEqualTo(RESYNC);
        assertThat(upstream.calls()).as("nothing sent to the upstream meanwhile but what the test sent")
                .isEqualTo(callsBefore);

        // still open on every survivor: refused, and nothing reaches the failing upstream
        int before = upstream.calls();
        for (GatewayProcess n : survivors) {
            JsonNode b = breaker(n);
            assertThat(b.path("state").asText()).as(n.name() + ": " + b).isEqualTo("open");
            Http.Reply reply = call(n);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(503);
            assertThat(reply.body()).contains("circuit breaker open");
        }
        assertThat(upstream.calls()).as("open: nothing reaches the upstream").isEqualTo(before);
        LimitsReport.line(TEST, String.format("still open on both survivors (%s), refusing; run %d s", taken,
                ms(t0) / 1000));
    }

    /**
     * The cluster's decision as a node holds it: state and generation. Its {@code since} is shown on each node's own
     * clock (views are moved onto the node's clock from the owner's), so it differs between nodes by their clocks'
     * offsets, a few ms here: printed, not compared.
     */
    private record View(String state, long generation, String since) {
        @Override
        public boolean equals(Object o) {
            return o instanceof View v && v.state.equals(state) && v.generation == generation;
        }

        @Override
        public int hashCode() {
            return state.hashCode() * 31 + Long.hashCode(generation);
        }

        @Override
        public String toString() {
            return state + " gen " + generation + " since " + since;
        }
    }

    private View view(GatewayProcess node) {
        JsonNode c = breaker(node).path("cluster");
        return new View(c.path("state").asText(), c.path("generation").asLong(-1), c.path("since").asText());
    }

    private List<String> holders(GatewayProcess node) {
        JsonNode c = breaker(node).path("cluster");
        List<String> out = new ArrayList<>();
        if (c.hasNonNull("owner")) {
            out.add(c.get("owner").asText());
            c.path("backups").forEach(b -> out.add(b.asText()));
        }
        return out;
    }

    private JsonNode breaker(GatewayProcess node) {
        Http.Reply reply = node.admin(http, "GET", "/admin/breakers", null);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json().path("breakers").path("up");
    }

    private Http.Reply call(GatewayProcess node) {
        return http.get(node.proxyPort(), "/b");
    }

    private static String names(List<GatewayProcess> nodes) {
        return nodes.stream().map(GatewayProcess::name).toList().toString();
    }

    private static long ms(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }
}
