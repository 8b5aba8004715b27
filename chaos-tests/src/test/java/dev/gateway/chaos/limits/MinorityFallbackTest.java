package dev.gateway.chaos.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.chaos.support.Burst;
import dev.gateway.chaos.support.ClientTopology;
import dev.gateway.chaos.support.GatewayProcess;
import dev.gateway.chaos.support.Gateways;
import dev.gateway.chaos.support.Http;
import dev.gateway.chaos.support.LimitsReport;
import dev.gateway.chaos.support.PacedLoad;
import dev.gateway.chaos.support.Tally;
import dev.gateway.chaos.support.Topology;
import dev.gateway.node.server.demo.DemoUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DESIGN.md: on the minority side each policy's {@code on-cluster-failure} decides, and there is "never a
 * 60-second hang". Three nodes with {@code min-size: 2, expected-size: 3}; SIGKILL two of them. The survivor
 * must report {@code /health/ready} 503 with a reason within about 10 s, and then, for one global token bucket
 * of 300 per hour under each mode: {@code fail-closed} refuses (429), {@code fail-open} admits, {@code local}
 * admits at most {@code ceil(300 / 3) = 100} and more than none. Every request to the survivor, from the kill
 * on, answers within 2 s.
 *
 * <p>In both topologies ({@link Topology}): in client mode three members ({@code min-size: 2}) under two client-mode
 * nodes ({@code min-size: 2}); two members are SIGKILLed, and the client node left with one member is on the minority
 * side. {@code local} there divides the limit by the two client nodes the members last reported, not by the three
 * members: it admits more than {@code 300 / 3} and at most {@code ceil(300 / 2) = 150}.
 */
@Timeout(value = 120)
class MinorityFallbackTest {
    private static final String TEST = "MinorityFallbackTest";
    private static final int LIMIT = 300;
    private static final int EXPECTED_SIZE = 3;
    private static final int CLIENT_NODES = 2;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);

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

    @ParameterizedTest(name = "{0}")
    @EnumSource(Topology.Mode.class)
    void aSurvivorOnTheMinoritySideIsNotReadyAndAppliesEachPolicysFallbackWithoutHanging(Topology.Mode mode)
            throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "up");
        http = new Http();
        String shared = """
                upstreams:
                  up:
                    targets:
                      - {url: http://127.0.0.1:%d}
                rate-limits:
                  fb-local: {algorithm: token-bucket, limit: 300, per: 1h, key: global, on-cluster-failure: local}
                  fb-open: {algorithm: token-bucket, limit: 300, per: 1h, key: global, on-cluster-failure: fail-open}
                  fb-closed: {algorithm: token-bucket, limit: 300, per: 1h, key: global, on-cluster-failure: fail-closed}
                routes:
                  - {id: local, match: {path: /local/**}, upstream: up, rate-limits: [fb-local]}
                  - {id: open, match: {path: /open/**}, upstream: up, rate-limits: [fb-open]}
                  - {id: closed, match: {path: /closed/**}, upstream: up, rate-limits: [fb-closed]}
                """.formatted(upstream.port());
        long t0 = System.nanoTime();
        String test = TEST;
        // what the local fallback divides a limit by: the gateway nodes
        int sharers;
        GatewayProcess survivor;
        if (mode == Topology.Mode.CLIENT) {
            test = TEST + " (client mode)";
            sharers = CLIENT_NODES;
            ClientTopology client = ClientTopology.start(TEST + "-client", 3, CLIENT_NODES, 2, shared);
            topology = client;
            client.awaitReady(http, 3, Gateways.STARTUP);
            // the members report their clients every 2 s: the divisor must be the two nodes before the cut
            await("both client nodes counted").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                    .until(() -> client.nodes().get(0).clusterView(http).path("gateway_nodes").asInt() == CLIENT_NODES);
            survivor = client.nodes().get(0);
        } else {
            sharers = EXPECTED_SIZE;
            Gateways gateways = Gateways.start(TEST, 3, 2, shared);
            topology = gateways;
            gateways.awaitFormed(http, gateways.nodes(), Gateways.STARTUP);
            survivor = gateways.node(0);
        }
        System.out.printf("%s: 3 holders ready and clustered in %d ms: %s%n", test, ms(t0), topology.holders());
        for (String route : List.of("local", "open", "closed")) {
            Http.Reply reply = get(survivor, "/" + route + "/x");
            assertThat(reply.status()).as("%s before the kills: %s", route, reply).isEqualTo(200);
            assertThat(reply.header("RateLimit-Remaining")).as("%s: the cluster's bucket", route).isEqualTo("299");
        }

        // Kill two of three; keep traffic and readiness probes going at the survivor meanwhile.
        PacedLoad load = PacedLoad.start(http, List.of(
                new Burst.Target(survivor, "/open/x", Map.of()),
                new Burst.Target(survivor, "/closed/x", Map.of())), Duration.ofMillis(50), ANSWER_WITHIN.plusSeconds(3));
        long killedAt = System.nanoTime();
        List<GatewayProcess> doomed = topology.holders().subList(1, 3);
        doomed.forEach(GatewayProcess::kill9);
        AtomicReference<Http.Reply> notReady = new AtomicReference<>();
        AtomicLong slowestProbe = new AtomicLong();
        await("survivor not ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Http.Reply ready = http.get(survivor.adminPort(), "/health/ready", Map.of(), ANSWER_WITHIN.plusSeconds(3));
            slowestProbe.accumulateAndGet(ready.millis(), Math::max);
            notReady.set(ready);
            return ready.status() == 503;
        });
        long notReadyAfter = ms(killedAt);
        List<Burst.Attempt> duringDetection = load.stop();
        Tally window = Tally.of(duringDetection, LIMIT);
        String reason = notReady.get().json().path("reason").asText();
        LimitsReport.line(test, String.format("kill -9 %s (min-size 2): %s /health/ready 503 after %d ms,"
                        + " reason \"%s\" (slowest probe %d ms); meanwhile fail-open+fail-closed traffic %s,"
                        + " slowest %d ms",
                doomed.stream().map(GatewayProcess::name).toList(), survivor.name(), notReadyAfter, reason, slowestProbe.get(), window.byStatus(), window.slowestMillis()));
        assertThat(Duration.ofMillis(notReadyAfter)).as("survivor reports not ready").isLessThan(Duration.ofSeconds(15));
        assertThat(reason).as("the reason of 503").contains("min-size");
        assertThat(slowestProbe.get()).as("slowest readiness probe, ms").isLessThan(ANSWER_WITHIN.toMillis());
        assertThat(window.byStatus().keySet()).as("every request got an answer (-1: none)").doesNotContain(-1);
        assertThat(window.slowestMillis()).as("slowest request while the cluster broke, ms")
                .isLessThan(ANSWER_WITHIN.toMillis());

        // On the minority side now: each mode, each request within 2 s.
        Tally closed = tally(survivor, "/closed/x", 20);
        Tally open = tally(survivor, "/open/x", 50);
        List<Http.Reply> openReplies = new ArrayList<>();
        openReplies.add(get(survivor, "/open/x"));
        Http.Reply closedReply = get(survivor, "/closed/x");
        int localAdmitted = 0;
        int sent = 0;
        Tally local = new Tally();
        Http.Reply last;
        do {
            last = get(survivor, "/local/x");
            local.add(survivor.name(), last, LIMIT / sharers);
            sent++;
            if (last.status() == 200) {
                localAdmitted++;
            }
        } while (last.status() == 200 && sent <= LIMIT + 10);
        Tally localTail = tally(survivor, "/local/x", 5, LIMIT / sharers);
        Http.Reply limitsView = survivor.limits(http, "fb-local", "*");
        Http.Reply ready = survivor.ready(http);
        Map<String, Long> fallbacks = Map.of(
                "fb-local", survivor.decisions(http, "fb-local", "fallback"),
                "fb-open", survivor.decisions(http, "fb-open", "fallback"),
                "fb-closed", survivor.decisions(http, "fb-closed", "fallback"));

        LimitsReport.line(test, String.format("minority side, fail-closed: %s, Retry-After %s, RateLimit-Remaining %s,"
                        + " slowest %d ms", closed.byStatus(), closedReply.header("Retry-After"),
                closedReply.header("RateLimit-Remaining"), closed.slowestMillis()));
        LimitsReport.line(test, String.format("minority side, fail-open: %s, RateLimit-Limit %s, RateLimit-Remaining %s,"
                        + " slowest %d ms", open.byStatus(), openReplies.get(0).header("RateLimit-Limit"),
                openReplies.get(0).header("RateLimit-Remaining"), open.slowestMillis()));
        LimitsReport.line(test, String.format("minority side, local (limit %d / gateway nodes %d): admitted %d of %d,"
                        + " then %s (Retry-After %s, RateLimit-Limit %s), slowest %d ms; /admin/limits/fb-local/* %d in"
                        + " %d ms; ready %d; fallback decisions %s; run %d s",
                LIMIT, sharers, localAdmitted, sent, localTail.byStatus(), last.header("Retry-After"),
                last.header("RateLimit-Limit"), local.slowestMillis(), limitsView.status(), limitsView.millis(),
                ready.status(), fallbacks, ms(t0) / 1000));

        assertThat(closed.byStatus()).as("fail-closed on the minority side").containsOnlyKeys(429);
        assertThat(closedReply.status()).isEqualTo(429);
        assertThat(closed.violations()).as("fail-closed refusals carry the rate-limit headers").isEmpty();
        assertThat(open.byStatus()).as("fail-open on the minority side").containsOnlyKeys(200);
        assertThat(localAdmitted).as("local admits some, at most ceil(limit / gateway nodes)")
                .isPositive().isLessThanOrEqualTo((LIMIT + sharers - 1) / sharers);
        if (mode == Topology.Mode.CLIENT) {
            assertThat(localAdmitted).as("local divides by the client nodes (%d), not the members (%d)", CLIENT_NODES,
                    EXPECTED_SIZE).isGreaterThan((LIMIT + EXPECTED_SIZE - 1) / EXPECTED_SIZE);
        }
        assertThat(last.status()).as("local refuses past its share: %s", last).isEqualTo(429);
        assertThat(localTail.byStatus()).as("local keeps refusing").containsOnlyKeys(429);
        assertThat(local.violations()).as("local refusal headers").isEmpty();
        assertThat(List.of(closed.slowestMillis(), open.slowestMillis(), local.slowestMillis(), localTail.slowestMillis()))
                .as("slowest answers on the minority side, ms").allSatisfy(t -> assertThat(t).isLessThan(ANSWER_WITHIN.toMillis()));
        assertThat(ready.status()).as("still not ready").isEqualTo(503);
        assertThat(limitsView.millis()).as("/admin/limits answers in time on the minority side")
                .isLessThan(ANSWER_WITHIN.toMillis() + 500);
    }

    private Http.Reply get(GatewayProcess node, String path) {
        return http.get(node.proxyPort(), path, Map.of(), ANSWER_WITHIN.plusSeconds(3));
    }

    private Tally tally(GatewayProcess node, String path, int count) {
        return tally(node, path, count, LIMIT);
    }

    private Tally tally(GatewayProcess node, String path, int count, long limit) {
        Tally tally = new Tally();
        for (int i = 0; i < count; i++) {
            tally.add(node.name(), get(node, path), limit);
        }
        return tally;
    }

    private static long ms(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }
}
