package dev.gateway.chaos.docker;

import dev.gateway.chaos.docker.ChaosLoad.Sample;
import dev.gateway.chaos.docker.ChaosLoad.Target;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Latency between the members (a user-space delay proxy on every member link: {@link MemberLinks}), under open-loop
 * load through HAProxy on a global quota (token bucket of 20 per second, fail-closed, offered 30 per second) and a
 * route behind a cluster breaker: 12 s at
 * 50-60 ms one way, then 12 s at 190-200 ms one way, then the proxies go and the members talk directly again.
 * What a user should expect: the cluster stays formed (heartbeats every 1 s, a member removed after 5 s without
 * one: 200 ms is far from it); every request is served; a route without a rate limit does not slow down (a cluster
 * breaker keeps its window on the node: no cluster call per request); a rate-limited request waits for its check,
 * which costs the delay of two or three member hops (the owner's answer, and the synchronous backup's ack, which
 * travels from the backup straight to the caller) and up to one more call when it queues behind its key's call in
 * flight (coalescing), but never more than the check's 500 ms budget: past it the check falls back (fail-closed: 429)
 * while its consumption may still happen on the owner; so the quota admits at most its capacity plus its refill, and
 * at least its refill minus the checks that fell back.
 */
@Timeout(300)
class MemberLatencyDockerTest extends DockerScenario {
    static final int CLIENTS = 8;
    static final int RATE = 150;
    /** A token bucket of 20 refilled at 20 per second, offered 30 per second: drained all along, refilled all along. */
    static final int QUOTA = 20;
    static final long LOW_MIN = 50;
    static final long LOW_MAX = 60;
    static final long HIGH_MIN = 190;
    static final long HIGH_MAX = 200;
    static final Duration PHASE = Duration.ofSeconds(12);
    /** Left out of a phase's latency figures: connections reset and re-opened through (or past) the proxies. */
    static final long TRANSITION_NANOS = 3_000_000_000L;
    /** GatewayCluster.RATE_LIMIT_TIMEOUT, plus the 10 ms tick that looks at pending checks. */
    static final long CHECK_BUDGET_MS = 510;
    static final String SHARED = """
            upstreams:
              demo:
                targets:
                  - {url: "http://upstream-a:9000"}
                pool: {max-connections: 256, idle-timeout: 30s}
                timeouts: {connect: 1s, response: 5s}
                circuit-breaker: {scope: cluster, failure-rate: 50%%, minimum-calls: 20, window: 10s, open-for: 5s}
            rate-limits:
              q: {algorithm: token-bucket, limit: %d, per: 1s, key: global, on-cluster-failure: fail-closed}
            routes:
              - {id: quota, match: {path: "/q/**"}, upstream: demo, rate-limits: [q]}
              - {id: all, match: {path: "/**"}, upstream: demo}
            observability:
              access-log: {format: "off"}
            """.formatted(QUOTA);

    @Test
    void membersTwoHundredMillisecondsApartStayOneClusterAndAQuotaCheckCostsItsHopsWithinItsBudget() {
        gateway = DockerGateway.spec("latency").shared(SHARED).start();
        ChaosReport report = new ChaosReport("latency", "latency between members: 50-60 ms, then 190-200 ms one way (delay proxy)");
        MemberLinks links = new MemberLinks(gateway);
        links.startProxies(LOW_MIN, LOW_MAX);
        Target main = Target.plain("/hello");
        Target quota = new Target("quota", "/q/x", Set.of(429));
        ChaosLoad load = track(report, ChaosLoad.start(gateway.proxyPort(), CLIENTS, RATE, n -> n % 5 == 0 ? quota : main));
        List<DockerNode> nodes = gateway.nodes();

        Phases.hold(Duration.ofSeconds(4));
        long fallbacksBefore = fallbacks(nodes);
        long memberListsBefore = MemberLinks.memberLists(nodes);
        long faultAt = load.mark("member links through the delay proxies: " + LOW_MIN + "-" + LOW_MAX + " ms one way");
        links.redirect();
        FormationWatch formed = new FormationWatch(nodes, load);
        Phases.hold(PHASE, Duration.ofMillis(500), formed);
        long fallbacksLow = fallbacks(nodes);
        long highAt = load.mark("delay " + HIGH_MIN + "-" + HIGH_MAX + " ms one way");
        links.setDelay(HIGH_MIN, HIGH_MAX);
        Phases.hold(PHASE, Duration.ofMillis(500), formed);
        long fallbacksHigh = fallbacks(nodes);
        long healAt = load.mark("proxies removed: members direct again");
        links.removeDelay();
        Phases.until("one cluster of 3, every node ready and UP in HAProxy", Duration.ofSeconds(30), Duration.ofMillis(250),
                () -> nodes.stream().allMatch(n -> n.clusterSize() == nodes.size() && n.isReady())
                        && gateway.haproxyStatus().values().stream().allMatch(s -> s.startsWith("UP")));
        long backAt = load.mark("3 members, ready, UP");
        Phases.hold(Duration.ofSeconds(4));
        List<Sample> samples = load.stop();
        long memberListsAfter = MemberLinks.memberLists(nodes);
        long fallbacksEnd = fallbacks(nodes);

        Predicate<Sample> isQuota = s -> s.target() == quota;
        Predicate<Sample> isMain = s -> s.target() == main;
        Predicate<Sample> isAdmitted = s -> s.target() == quota && s.status() == 200;
        long baseA50 = percentile(samples, isAdmitted, 0, faultAt, 50);
        long baseQ99 = percentile(samples, isQuota, 0, faultAt, 99);
        long baseM99 = percentile(samples, isMain, 0, faultAt, 99);
        long lowA50 = percentile(samples, isAdmitted, faultAt + TRANSITION_NANOS, highAt, 50);
        long lowQ99 = percentile(samples, isQuota, faultAt + TRANSITION_NANOS, highAt, 99);
        long highA50 = percentile(samples, isAdmitted, highAt + TRANSITION_NANOS, healAt, 50);
        long highQ99 = percentile(samples, isQuota, highAt + TRANSITION_NANOS, healAt, 99);
        long faultM99 = percentile(samples, isMain, faultAt, healAt, 99);
        long failed = samples.stream().filter(Sample::failed).count();
        long fellBack = fallbacksEnd - fallbacksBefore;

        report.claim("the cluster stays formed: size 3 and ready on every node, polled every 500 ms during the delay",
                formed.measured(),
                "0 not formed (a member is removed after 5 s without heartbeat; heartbeats go every 1 s)",
                formed.stayedFormed());
        // Hazelcast logs its member list at every change: a member dropped and back in would add two per node
        report.claim("member lists logged by the nodes' Hazelcast during the scenario (a change of membership each)",
                Long.toString(memberListsAfter - memberListsBefore), "0", memberListsAfter == memberListsBefore);
        report.claim("client errors and no-answers over the scenario", Long.toString(failed), "0", failed == 0);
        // the fault must cost no throughput at all: the floor applies from the first second of the delay
        report.failover("the delay", samples, faultAt, faultAt, healAt, CHECK_BUDGET_MS + 300);
        // two-sided: the delay is really on the member links: a check that takes a token waits at least for its
        // synchronous backup's ack (owner -> backup -> caller, or caller -> owner -> caller): two one-way hops (a
        // refusal changes nothing: no backup, and none at all on the owner)
        report.claim("p50 of the admitted quota requests at " + LOW_MIN + "-" + LOW_MAX + " ms (from 3 s after the delay began)",
                lowA50 + " ms (before: " + baseA50 + " ms)", ">= before + " + 2 * LOW_MIN + " ms (two hops)",
                lowA50 >= baseA50 + 2 * LOW_MIN);
        // three hops (caller -> owner -> backup -> caller) and at most one call queued behind (coalescing)
        long lowBound = baseQ99 + 6 * LOW_MAX;
        report.claim("quota route p99 at " + LOW_MIN + "-" + LOW_MAX + " ms", lowQ99 + " ms (before: " + baseQ99 + " ms)",
                "<= before + " + 6 * LOW_MAX + " ms = " + lowBound + " (three hops, and one call queued behind)",
                lowQ99 <= lowBound);
        report.note("quota checks that fell back at " + LOW_MIN + "-" + LOW_MAX + " ms (fail-closed 429): "
                + (fallbacksLow - fallbacksBefore) + " (the reconnection through the proxies may cost a few)");
        // 190-200 ms: two hops (380-400 ms) fit the budget, three (570-600 ms) do not: the checks of the node that
        // holds no copy of the key fall back, the others answer; either way within the budget
        long highBound = baseQ99 + CHECK_BUDGET_MS + 100;
        report.claim("p50 of the admitted quota requests at " + HIGH_MIN + "-" + HIGH_MAX + " ms", highA50 + " ms",
                ">= before + " + 2 * HIGH_MIN + " ms (two hops)", highA50 >= baseA50 + 2 * HIGH_MIN);
        report.claim("quota route p99 at " + HIGH_MIN + "-" + HIGH_MAX + " ms", highQ99 + " ms",
                "<= before + the check's budget (" + CHECK_BUDGET_MS + " ms) + 100 ms = " + highBound, highQ99 <= highBound);
        report.note("quota checks that fell back at " + HIGH_MIN + "-" + HIGH_MAX + " ms (fail-closed 429): "
                + (fallbacksHigh - fallbacksLow) + " of " + samples.stream().filter(s -> isQuota.test(s)
                        && s.startNanos() >= highAt && s.startNanos() < healAt).count() + " quota requests due");
        report.claim("p99 of the route without a rate limit (cluster breaker) during the delay", faultM99 + " ms (before: "
                + baseM99 + " ms)", "<= before + 100 ms (no member call on its path)", faultM99 <= baseM99 + 100);
        quotaClaims(report, samples, quota, fellBack);
        List<String> breakers = nodes.stream().map(n -> n.name() + " " + n.breakerState("demo")).toList();
        report.claim("the demo upstream's cluster breaker after the delay", breakers.toString(), "closed on every node",
                breakers.stream().allMatch(b -> b.endsWith(" closed")));
        report.note("after the proxies went: 3 members, ready and UP " + Phases.millis(backAt - healAt) + " ms later");
        if (failed > 0) {
            report.note("failures: " + Phases.describeFailures(samples, 10));
        }
        report.write(load, samples);
        report.assertAllHold();
    }

    /**
     * The token bucket's bounds over the load: from the first quota request due to the last one answered ({@code T}
     * s), it can give at most its capacity plus {@code T} refills; offered half as much again as it refills, it is
     * drained all along, so it gives at least {@code T} refills, less the checks that fell back (each may have taken
     * its token on the owner later) and 10% for the refill lost while the bucket sat full (a stall).
     */
    static void quotaClaims(ChaosReport report, List<Sample> samples, Target quota, long fellBack) {
        List<Sample> q = samples.stream().filter(s -> s.target() == quota).toList();
        long admitted = quotaUpperBound(report, samples, quota);
        double seconds = spanSeconds(q);
        long least = (long) Math.floor(0.9 * QUOTA * seconds) - fellBack;
        report.claim("global quota q admits its refill but for the checks that fell back", admitted + " admitted, "
                + fellBack + " fell back", ">= 90% of " + QUOTA + "/s x T - fallbacks = " + least, admitted >= least);
    }

    /** Claims the quota admitted at most its capacity plus its refill over the requests' span; returns what it admitted. */
    static long quotaUpperBound(ChaosReport report, List<Sample> samples, Target quota) {
        List<Sample> q = samples.stream().filter(s -> s.target() == quota).toList();
        long admitted = q.stream().filter(s -> s.status() == 200).count();
        double seconds = spanSeconds(q);
        long most = QUOTA + (long) Math.ceil(QUOTA * seconds);
        report.claim("global quota q (" + QUOTA + " per second, fail-closed) admitted over " + String.format(java.util.Locale.ROOT,
                "%.1f s", seconds), admitted + " of " + q.size() + " quota requests", "<= " + QUOTA + " + " + QUOTA
                + "/s x " + String.format(java.util.Locale.ROOT, "%.1f s", seconds) + " = " + most, admitted <= most);
        return admitted;
    }

    private static double spanSeconds(List<Sample> q) {
        long first = q.stream().mapToLong(Sample::startNanos).min().orElse(0);
        long last = q.stream().mapToLong(Sample::endNanos).max().orElse(0);
        return (last - first) / 1e9;
    }

    /** Rate-limit fallbacks of policy q over all nodes. */
    static long fallbacks(List<DockerNode> nodes) {
        return nodes.stream().mapToLong(n -> Math.max(0, MemberLinks.decisions(n, "q", "fallback"))).sum();
    }

    /** The {@code pct} percentile latency (ms, from when due) of the matching requests due in [from, to); 0 if none. */
    static long percentile(List<Sample> samples, Predicate<Sample> which, long from, long to, int pct) {
        long[] ms = samples.stream().filter(which).filter(s -> s.startNanos() >= from && s.startNanos() < to)
                .mapToLong(Sample::latencyMillis).sorted().toArray();
        if (ms.length == 0) {
            return 0;
        }
        return ms[Math.min(ms.length - 1, (int) Math.ceil(ms.length * pct / 100.0) - 1)];
    }
}
