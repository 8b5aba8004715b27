package dev.gateway.chaos.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.chaos.support.Burst;
import dev.gateway.chaos.support.ClientTopology;
import dev.gateway.chaos.support.Gateways;
import dev.gateway.chaos.support.GatewayProcess;
import dev.gateway.chaos.support.Http;
import dev.gateway.chaos.support.LimitsReport;
import dev.gateway.chaos.support.Tally;
import dev.gateway.chaos.support.Topology;
import dev.gateway.node.server.demo.DemoUpstream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DESIGN.md: rate-limit buckets are "exact in a stable cluster". Three node processes share one config with a
 * global policy of each algorithm ({@code limit: 200, per: 1h, key: global}); 30 clients x 20 requests spread
 * over the three nodes must get exactly 200 admissions per policy, every refusal must carry
 * {@code Retry-After} and the {@code RateLimit-*} headers, and every node's {@code /admin/limits} must then
 * show the bucket empty. A per-tenant policy ({@code key: header:X-Tenant}) gives each tenant exactly its own
 * limit.
 *
 * <p>Time: the token and leaky buckets refill one token per 18 s (200 per hour), so each burst must finish
 * within 18 s of its first request to be exact; the test asserts that precondition rather than assuming it.
 * The fixed window is aligned to the hour: a burst is not started in the last 30 s of an hour.
 *
 * <p>Embedded topology here; {@link ClientModeGlobalLimitExactnessTest} runs the same with three client-mode nodes
 * on three dedicated members.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 150)
class GlobalLimitExactnessTest {
    private static final String TEST = "GlobalLimitExactnessTest";
    private static final int LIMIT = 200;
    private static final int TENANT_LIMIT = 100;
    private static final int THREADS = 30;
    private static final int PER_THREAD = 20;
    private static final Duration REFILL_ONE_TOKEN = Duration.ofHours(1).dividedBy(LIMIT);

    private DemoUpstream upstream;
    private Http http;
    private Topology topology;

    /** The topology the three nodes run in. */
    Topology.Mode mode() {
        return Topology.Mode.EMBEDDED;
    }

    private String test() {
        return mode() == Topology.Mode.EMBEDDED ? TEST : TEST + " (client mode)";
    }

    private List<GatewayProcess> nodes() {
        return topology.serving(topology.holders());
    }

    @BeforeAll
    void startCluster() throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "up");
        http = new Http();
        String shared = """
                upstreams:
                  up:
                    targets:
                      - {url: http://127.0.0.1:%d}
                    pool: {max-connections: 64}
                rate-limits:
                  tb: {algorithm: token-bucket, limit: 200, per: 1h, key: global}
                  lb: {algorithm: leaky-bucket, limit: 200, burst: 200, per: 1h, key: global}
                  fw: {algorithm: fixed-window, limit: 200, per: 1h, key: global}
                  sw: {algorithm: sliding-window, limit: 200, per: 1h, key: global}
                  tenant: {algorithm: token-bucket, limit: 100, per: 1h, key: "header:X-Tenant"}
                routes:
                  - {id: tb, match: {path: /tb/**}, upstream: up, rate-limits: [tb]}
                  - {id: lb, match: {path: /lb/**}, upstream: up, rate-limits: [lb]}
                  - {id: fw, match: {path: /fw/**}, upstream: up, rate-limits: [fw]}
                  - {id: sw, match: {path: /sw/**}, upstream: up, rate-limits: [sw]}
                  - {id: tenant, match: {path: /tenant/**}, upstream: up, rate-limits: [tenant]}
                """.formatted(upstream.port());
        long start = System.nanoTime();
        topology = mode() == Topology.Mode.EMBEDDED ? Gateways.start(TEST, 3, 2, shared)
                : ClientTopology.start(TEST + "-client", 3, 3, shared);
        topology.awaitWhole(http, topology.holders(), Gateways.STARTUP);
        System.out.printf("%s: 3 nodes ready and clustered in %d ms: %s%n", test(),
                (System.nanoTime() - start) / 1_000_000, nodes());
    }

    @AfterAll
    void stopCluster() {
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

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tb", "lb", "fw", "sw"})
    void concurrentClientsOverThreeNodesAdmitExactlyTheGlobalLimit(String policy) {
        if (policy.equals("fw")) {
            awaitNotNearTheHour();
        }
        List<GatewayProcess> nodes = nodes();
        long fallbacksBefore = fallbacks(policy);
        long start = System.nanoTime();
        List<Burst.Attempt> attempts = Burst.run(http, THREADS, PER_THREAD, Duration.ofSeconds(10),
                (thread, i) -> new Burst.Target(nodes.get((thread + i) % 3), "/" + policy + "/x", Map.of()));
        long burstMillis = (System.nanoTime() - start) / 1_000_000;
        Tally tally = Tally.of(attempts, LIMIT);
        List<Long> remaining = nodes.stream().map(n -> n.remaining(http, policy, "*")).toList();
        long fallbacks = fallbacks(policy) - fallbacksBefore;

        LimitsReport.line(test(), String.format("%s (limit %d/1h, key global): %d attempts by %d clients over 3 nodes"
                        + " in %d ms: admitted %d %s, refused %d, other %s, slowest %d ms, cluster fallbacks %d,"
                        + " Retry-After values %s, admin remaining per node %s",
                algorithm(policy), LIMIT, tally.total(), THREADS, burstMillis, tally.admitted(),
                tally.admittedByNode(), tally.refused(), otherStatuses(tally), tally.slowestMillis(), fallbacks,
                tally.retryAfters(), remaining));

        if (policy.equals("tb") || policy.equals("lb")) {
            assertThat(Duration.ofMillis(burstMillis))
                    .as("precondition of exactness: the burst ends before the bucket refills one token")
                    .isLessThan(REFILL_ONE_TOKEN);
        }
        assertThat(tally.other()).as("answers other than 200/429: %s", tally.byStatus()).isZero();
        assertThat(tally.admitted()).as("admitted across the cluster (fallbacks to the local limit: %d)", fallbacks)
                .isEqualTo(LIMIT);
        assertThat(tally.refused()).isEqualTo(THREADS * PER_THREAD - LIMIT);
        assertThat(tally.admittedByNode().values()).as("every node admitted some: %s", tally.admittedByNode())
                .allSatisfy(n -> assertThat(n).isPositive());
        assertThat(tally.violations()).as("rate-limit headers").isEmpty();
        assertThat(remaining).as("remaining of %s/* on each node", policy).containsOnly(0L);
        List<String> owners = nodes.stream().map(n -> n.limitsOwner(http, policy, "*")).toList();
        assertThat(owners).as("the node holding %s/*, as each node names it", policy)
                .containsOnly(owners.get(0))
                .allMatch(owner -> topology.holders().stream().anyMatch(n -> n.name().equals(owner)));
    }

    @Order(2)
    @Test
    void aPerTenantPolicyGivesEachTenantExactlyItsLimit() {
        List<GatewayProcess> nodes = nodes();
        List<String> tenants = List.of("acme", "globex");
        long start = System.nanoTime();
        List<Burst.Attempt> attempts = Burst.run(http, THREADS, PER_THREAD, Duration.ofSeconds(10),
                (thread, i) -> new Burst.Target(nodes.get((thread + i) % 3), "/tenant/x",
                        Map.of("X-Tenant", tenants.get((thread + i / 3) % 2))));
        long burstMillis = (System.nanoTime() - start) / 1_000_000;
        Map<String, Tally> byTenant = tenants.stream().collect(Collectors.toMap(t -> t, t -> Tally.of(
                attempts.stream().filter(a -> a.target().headers().get("X-Tenant").equals(t)).toList(), TENANT_LIMIT)));
        Map<String, List<Long>> remaining = tenants.stream().collect(Collectors.toMap(t -> t,
                t -> nodes.stream().map(n -> n.remaining(http, "tenant", t)).toList()));
        long untouched = nodes.get(0).remaining(http, "tenant", "initech");

        for (String t : tenants) {
            Tally tally = byTenant.get(t);
            LimitsReport.line(test(), String.format("token-bucket per tenant (limit %d/1h, key header:X-Tenant),"
                            + " tenant %s: %d attempts in a %d ms burst shared with another tenant: admitted %d %s,"
                            + " refused %d, other %s, admin remaining per node %s (an untouched tenant: %d)",
                    TENANT_LIMIT, t, tally.total(), burstMillis, tally.admitted(), tally.admittedByNode(),
                    tally.refused(), otherStatuses(tally), remaining.get(t), untouched));
        }
        for (String t : tenants) {
            Tally tally = byTenant.get(t);
            assertThat(tally.other()).as("tenant %s: answers other than 200/429: %s", t, tally.byStatus()).isZero();
            assertThat(tally.admitted()).as("tenant %s admitted", t).isEqualTo(TENANT_LIMIT);
            assertThat(tally.violations()).as("tenant %s: rate-limit headers", t).isEmpty();
            assertThat(remaining.get(t)).as("tenant %s remaining on each node", t).containsOnly(0L);
        }
        assertThat(untouched).as("a tenant that sent nothing keeps its whole limit").isEqualTo(TENANT_LIMIT);
    }

    private long fallbacks(String policy) {
        return nodes().stream().mapToLong(n -> n.decisions(http, policy, "fallback")).sum();
    }

    private static String otherStatuses(Tally tally) {
        return tally.byStatus().entrySet().stream().filter(e -> e.getKey() != 200 && e.getKey() != 429)
                .map(e -> e.getKey() + "x" + e.getValue()).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String algorithm(String policy) {
        return switch (policy) {
            case "tb" -> "token-bucket";
            case "lb" -> "leaky-bucket (burst 200)";
            case "fw" -> "fixed-window";
            default -> "sliding-window";
        };
    }

    /** A fixed window restarts at each whole hour (UTC): a burst straddling it could pass twice the limit. */
    private static void awaitNotNearTheHour() {
        await("at least 30 s before the next hour boundary").atMost(Duration.ofSeconds(35))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    long secondOfHour = Instant.now().getEpochSecond() % 3600;
                    return secondOfHour < 3570;
                });
    }
}
