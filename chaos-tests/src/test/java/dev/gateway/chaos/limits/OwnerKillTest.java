package dev.gateway.chaos.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.chaos.support.Burst;
import dev.gateway.chaos.support.GatewayProcess;
import dev.gateway.chaos.support.Gateways;
import dev.gateway.chaos.support.Http;
import dev.gateway.chaos.support.KeyOwners;
import dev.gateway.chaos.support.LimitsReport;
import dev.gateway.chaos.support.PacedLoad;
import dev.gateway.chaos.support.Tally;
import dev.gateway.chaos.support.Topology;
import dev.gateway.node.server.demo.DemoUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DESIGN.md: "a node's death resets nothing" (buckets live on the key's owner with one synchronous backup).
 * Three nodes ({@code min-size: 1}, so one survivor still serves); two global quotas of 300 per day, a token
 * bucket (bucket4j's entry processors) and a sliding window (the gateway's own entry processor and backup).
 *
 * <p>Run: 50 of each quota through a node that does not own the token bucket's key; SIGKILL the member that
 * owns it (found with a Hazelcast client, {@link KeyOwners}) while a paced load keeps going through the two
 * survivors; then SIGKILL the member that owns the sliding window's key among the two survivors, again under
 * load; then exhaust both quotas through the last node. After each kill every survivor must report the same
 * {@code remaining}, never more than before minus what was admitted in between (no reset), and over the
 * whole run exactly 300 requests per quota may pass: never more; fewer only by tokens the cluster took for
 * requests it then refused ({@code fail-closed} while the owner was gone: a timed-out call may still
 * consume on the owner) or lost to an invocation retried after the owner died.
 *
 * <p>In both topologies ({@link Topology}): embedded, the three nodes are the members, and each kill takes a node
 * (the load goes through the survivors); client, three dedicated members under two client-mode nodes, each kill
 * takes the owning member while the load goes on through both nodes.
 *
 * <p>Both policies are {@code on-cluster-failure: fail-closed}: with the default {@code local}, the seconds in
 * which the owner is dead but not yet declared so would admit up to {@code limit / expected-size} per node on
 * top of the quota (the documented overshoot of that mode, {@link MinorityFallbackTest}'s subject).
 * {@code per: 1d} keeps refill out of the figures (one token per 288 s).
 */
@Timeout(value = 180)
class OwnerKillTest {
    private static final String TEST = "OwnerKillTest";
    private static final int QUOTA = 300;
    /** Route (and short name) to rate-limit policy; each policy has one bucket, {@code <policy>/*}. */
    private static final Map<String, String> POLICIES = new java.util.TreeMap<>(Map.of("tb", "quota-tb", "sw", "quota-sw"));
    private static final Duration PACE = Duration.ofMillis(60);

    private DemoUpstream upstream;
    private Http http;
    private Topology topology;
    private String test;

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
    void killingTheOwnersOfGlobalBucketsOneAfterAnotherLosesNoQuotaAndAdmitsNoMoreThanIt(Topology.Mode mode)
            throws Exception {
        test = mode == Topology.Mode.EMBEDDED ? TEST : TEST + " (client mode)";
        upstream = DemoUpstream.start("127.0.0.1", 0, "up");
        http = new Http();
        topology = Topology.start(mode, TEST, 3, 2, """
                upstreams:
                  up:
                    targets:
                      - {url: http://127.0.0.1:%d}
                rate-limits:
                  quota-tb: {algorithm: token-bucket, limit: 300, per: 1d, key: global, on-cluster-failure: fail-closed}
                  quota-sw: {algorithm: sliding-window, limit: 300, per: 1d, key: global, on-cluster-failure: fail-closed}
                routes:
                  - {id: tb, match: {path: /tb/**}, upstream: up, rate-limits: [quota-tb]}
                  - {id: sw, match: {path: /sw/**}, upstream: up, rate-limits: [quota-sw]}
                """.formatted(upstream.port()));
        long t0 = System.nanoTime();
        topology.awaitWhole(http, topology.holders(), Gateways.STARTUP);
        System.out.printf("%s: 3 holders ready and stable in %d ms: %s%n", test, ms(t0), topology.holders());

        Map<String, Integer> admitted = new LinkedHashMap<>(Map.of("tb", 0, "sw", 0));
        Map<String, Integer> refusedWhileBroken = new LinkedHashMap<>(Map.of("tb", 0, "sw", 0));

        // Kill 1: the owner of the token bucket's key.
        List<GatewayProcess> all = topology.holders();
        GatewayProcess tbOwner = topology.owner(all, bucket("tb"));
        GatewayProcess swOwnerAtFirstKill = topology.owner(all, bucket("sw"));
        List<GatewayProcess> survivors = without(all, tbOwner);
        GatewayProcess entry = topology.serving(survivors).get(0);
        for (String policy : POLICIES.keySet()) {
            Tally first = Tally.of(sequential(entry, policy, 50), QUOTA);
            assertThat(first.admitted()).as("%s: the first 50 requests through %s", policy, entry.name()).isEqualTo(50);
            admitted.merge(policy, 50, Integer::sum);
        }
        Map<String, Long> before = remainingOn(topology.serving(survivors), "before kill 1");
        assertThat(before).containsOnly(Map.entry("tb", 250L), Map.entry("sw", 250L));
        Kill first = killUnderLoad(tbOwner, survivors);
        Map<String, Long> after = remainingOn(topology.serving(survivors), "after kill 1");
        record(first, admitted, refusedWhileBroken);
        LimitsReport.line(test, String.format("kill -9 %s, owner of quota-tb/* (owner of quota-sw/*: %s): survivors %s"
                        + " saw 2 members and backups in sync %d ms later; paced load through %s meanwhile:"
                        + " tb %s, sw %s (max %d ms); remaining before %s, after %s; slowest /admin/cluster so far %s",
                tbOwner.name(), swOwnerAtFirstKill.name(), names(survivors), first.stableMillis,
                names(topology.serving(survivors)), first.tally("tb").byStatus(), first.tally("sw").byStatus(),
                first.slowestMillis(), before, after, slowestClusterViews(topology.serving(survivors))));
        assertNoResetNorLostAdmission(before, after, first);

        // Kill 2: whichever survivor now owns the sliding window's key.
        GatewayProcess swOwner = topology.owner(survivors, bucket("sw"));
        GatewayProcess tbOwnerNow = topology.owner(survivors, bucket("tb"));
        for (GatewayProcess node : topology.serving(survivors)) {
            for (String policy : POLICIES.keySet()) {
                Tally more = Tally.of(sequential(node, policy, 25), QUOTA);
                assertThat(more.admitted()).as("%s: 25 more through %s", policy, node.name()).isEqualTo(25);
                admitted.merge(policy, 25, Integer::sum);
            }
        }
        List<GatewayProcess> last = without(survivors, swOwner);
        Map<String, Long> before2 = remainingOn(topology.serving(last), "before kill 2");
        Kill second = killUnderLoad(swOwner, last);
        Map<String, Long> after2 = remainingOn(topology.serving(last), "after kill 2");
        record(second, admitted, refusedWhileBroken);
        LimitsReport.line(test, String.format("kill -9 %s, owner of quota-sw/* (owner of quota-tb/*: %s): %s alone"
                        + " and ready %d ms later; paced load through %s meanwhile: tb %s, sw %s (max %d ms);"
                        + " remaining before %s, after %s; slowest /admin/cluster so far %s",
                swOwner.name(), tbOwnerNow.name(), last.get(0).name(), second.stableMillis,
                names(topology.serving(last)), second.tally("tb").byStatus(), second.tally("sw").byStatus(),
                second.slowestMillis(), before2, after2, slowestClusterViews(topology.serving(last))));
        assertNoResetNorLostAdmission(before2, after2, second);

        // Exhaust both quotas through the last node (client mode: the first node).
        GatewayProcess node = topology.serving(last).get(0);
        for (String policy : POLICIES.keySet()) {
            int sent = 0;
            int ok = 0;
            Http.Reply reply;
            do {
                reply = http.get(node.proxyPort(), "/" + policy + "/x");
                sent++;
                if (reply.status() == 200) {
                    ok++;
                }
                assertThat(reply.status()).as("%s: answer while exhausting: %s", policy, reply).isIn(200, 429);
            } while (reply.status() == 200 && sent <= QUOTA);
            assertThat(Tally.checkHeaders(reply, QUOTA)).as("%s: the refusal's headers", policy).isEmpty();
            Tally tail = Tally.of(sequential(node, policy, 5), QUOTA);
            assertThat(tail.refused()).as("%s: once refused, refused again", policy).isEqualTo(5);
            admitted.merge(policy, ok, Integer::sum);
            long remaining = node.remaining(http, POLICIES.get(policy), "*");
            int total = admitted.get(policy);
            int slack = refusedWhileBroken.get(policy) + 2; // refused while broken + at most one in flight per kill
            LimitsReport.line(test, String.format("%s (quota %d/1d, fail-closed): admitted in total %d across two"
                            + " owner kills (exhausting through %s: %d more, then Retry-After %s); refused while"
                            + " the cluster was broken %d; admin remaining now %d; run %d s",
                    policy.equals("tb") ? "token-bucket" : "sliding-window", QUOTA, total, node.name(), ok,
                    reply.header("Retry-After"), refusedWhileBroken.get(policy), remaining, ms(t0) / 1000));
            assertThat(total).as("%s: admitted across the kills never exceeds the quota", policy).isLessThanOrEqualTo(QUOTA);
            assertThat(total).as("%s: admitted across the kills (tokens lost at most to %d refused/in-flight requests)",
                    policy, slack).isGreaterThanOrEqualTo(QUOTA - slack);
            assertThat(remaining).isZero();
        }
        assertThat(admitted).as("exactly the quota when nothing was refused meanwhile: refused %s", refusedWhileBroken)
                .allSatisfy((policy, total) -> {
                    if (refusedWhileBroken.get(policy) == 0) {
                        assertThat(total).as(policy).isEqualTo(QUOTA);
                    }
                });
    }

    /** What happened from a SIGKILL until the survivors were whole again. */
    private record Kill(List<Burst.Attempt> load, long stableMillis) {
        Tally tally(String policy) {
            return Tally.of(load.stream().filter(a -> a.target().path().startsWith("/" + policy + "/")).toList(), QUOTA);
        }

        long slowestMillis() {
            return load.stream().mapToLong(a -> a.reply().millis()).max().orElse(0);
        }
    }

    /**
     * SIGKILLs {@code victim} while a paced load (every 60 ms, alternating policies and serving nodes) runs, and
     * stops the load once the serving nodes see exactly the surviving holders, with their backups in sync.
     */
    private Kill killUnderLoad(GatewayProcess victim, List<GatewayProcess> survivors) {
        List<Burst.Target> targets = new ArrayList<>();
        for (GatewayProcess s : topology.serving(survivors)) {
            targets.add(new Burst.Target(s, "/tb/x", Map.of()));
            targets.add(new Burst.Target(s, "/sw/x", Map.of()));
        }
        PacedLoad load = PacedLoad.start(http, targets, PACE, Duration.ofSeconds(5));
        // a few requests before the kill, so that the load runs across it
        org.awaitility.Awaitility.await("paced load started").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10)).until(() -> load.sent() >= 4);
        long killedAt = System.nanoTime();
        victim.kill9();
        topology.awaitWhole(http, survivors, Duration.ofSeconds(60));
        long stable = ms(killedAt);
        return new Kill(load.stop(), stable);
    }

    private void record(Kill kill, Map<String, Integer> admitted, Map<String, Integer> refusedWhileBroken) {
        for (String policy : POLICIES.keySet()) {
            Tally t = kill.tally(policy);
            assertThat(t.other()).as("%s: answers other than 200/429 during the kill: %s", policy, t.byStatus()).isZero();
            assertThat(t.violations()).as("%s: rate-limit headers during the kill", policy).isEmpty();
            admitted.merge(policy, t.admitted(), Integer::sum);
            refusedWhileBroken.merge(policy, t.refused(), Integer::sum);
        }
    }

    /** Remaining only went down, by at least what was admitted (and at most by that plus what was refused). */
    private void assertNoResetNorLostAdmission(Map<String, Long> before, Map<String, Long> after, Kill kill) {
        for (String policy : POLICIES.keySet()) {
            Tally t = kill.tally(policy);
            assertThat(after.get(policy)).as("%s: remaining after the kill <= before - admitted meanwhile (%d)",
                    policy, t.admitted()).isLessThanOrEqualTo(before.get(policy) - t.admitted());
            assertThat(after.get(policy)).as("%s: tokens consumed beyond admissions only by refused requests (%d)",
                    policy, t.refused()).isGreaterThanOrEqualTo(before.get(policy) - t.admitted() - t.refused() - 1);
        }
    }

    /** Remaining of each quota; every node in {@code nodes} must report the same. */
    private Map<String, Long> remainingOn(List<GatewayProcess> nodes, String when) {
        Map<String, Long> out = new LinkedHashMap<>();
        POLICIES.forEach((route, policy) -> {
            List<Long> seen = nodes.stream().map(n -> n.remaining(http, policy, "*")).toList();
            assertThat(seen).as("%s: remaining of %s/* on %s", when, policy, names(nodes)).containsOnly(seen.get(0));
            out.put(route, seen.get(0));
        });
        return out;
    }

    private List<Burst.Attempt> sequential(GatewayProcess node, String policy, int count) {
        List<Burst.Attempt> out = new ArrayList<>();
        Burst.Target target = new Burst.Target(node, "/" + policy + "/x", Map.of());
        for (int i = 0; i < count; i++) {
            out.add(new Burst.Attempt(target, http.get(node.proxyPort(), target.path())));
        }
        return out;
    }

    /** Right after a member dies, {@code /admin/cluster} blocks for ~10 s on {@code local_partitions_safe}. */
    private static String slowestClusterViews(List<GatewayProcess> nodes) {
        return nodes.stream().map(n -> n.name() + " " + n.slowestClusterViewMillis() + " ms").toList().toString();
    }

    private static String bucket(String route) {
        return POLICIES.get(route) + "/*";
    }

    private static List<GatewayProcess> without(List<GatewayProcess> nodes, GatewayProcess gone) {
        return nodes.stream().filter(n -> n != gone).toList();
    }

    private static String names(List<GatewayProcess> nodes) {
        return nodes.stream().map(GatewayProcess::name).toList().toString();
    }

    private static long ms(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }
}
