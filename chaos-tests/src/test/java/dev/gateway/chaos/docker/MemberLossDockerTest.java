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
 * Packet loss between the members: every member packet (to or from port 5701) dropped with probability
 * {@value #LOSS} where it arrives, on all three nodes, for {@value #LOSS_SECONDS} s, under open-loop load through
 * HAProxy on a global quota (token bucket of 20 per second, fail-closed, offered 30 per second) and a route behind a cluster breaker. TCP retransmits what is
 * lost (after at least 200 ms, doubling while the same segment keeps being lost), so the member links stall now and
 * then: a rate-limit check caught in a stall exceeds its 500 ms budget and falls back (fail-closed: 429) while its
 * consumption may still happen on the owner. A member goes only after 5 s without a heartbeat (sent every 1 s),
 * which takes a segment lost about five times in a row ({@value #LOSS}^5): the cluster stays formed, or, if
 * Hazelcast drops a member anyway, it is back within seconds of the loss ending. The quota admits at most its
 * capacity plus its refill and at least its refill minus the checks that fell back; the route without a rate limit does not notice.
 */
@Timeout(300)
class MemberLossDockerTest extends DockerScenario {
    static final int CLIENTS = 8;
    static final int RATE = 150;
    static final double LOSS = 0.2;
    static final int LOSS_SECONDS = 20;
    static final long CHECK_BUDGET_MS = MemberLatencyDockerTest.CHECK_BUDGET_MS;
    static final String SHARED = MemberLatencyDockerTest.SHARED;

    @Test
    void twentyPercentLossBetweenMembersKeepsTheClusterAndTheQuotaWithinItsBound() {
        gateway = DockerGateway.spec("loss").shared(SHARED).start();
        ChaosReport report = new ChaosReport("loss", "packet loss between members: " + Math.round(LOSS * 100) + "% of member packets on every node, "
                + LOSS_SECONDS + " s (iptables statistic)");
        MemberLinks links = new MemberLinks(gateway);
        Target main = Target.plain("/hello");
        Target quota = new Target("quota", "/q/x", Set.of(429));
        ChaosLoad load = track(report, ChaosLoad.start(gateway.proxyPort(), CLIENTS, RATE, n -> n % 5 == 0 ? quota : main));
        List<DockerNode> nodes = gateway.nodes();

        Phases.hold(Duration.ofSeconds(4));
        long fallbacksBefore = MemberLatencyDockerTest.fallbacks(nodes);
        long memberListsBefore = MemberLinks.memberLists(nodes);
        long lossAt = load.mark("iptables: drop " + Math.round(LOSS * 100) + "% of member packets on every node");
        nodes.forEach(n -> links.loss(n, LOSS));
        FormationWatch formed = new FormationWatch(nodes, load);
        Phases.hold(Duration.ofSeconds(LOSS_SECONDS), Duration.ofMillis(500), formed);
        long dropped = nodes.stream().mapToLong(links::dropped).sum();
        long endAt = load.mark("loss removed");
        nodes.forEach(n -> links.removeLoss(n, LOSS));
        Phases.until("one cluster of 3, every node ready and UP in HAProxy", Duration.ofSeconds(40), Duration.ofMillis(250),
                () -> nodes.stream().allMatch(n -> n.clusterSize() == nodes.size() && n.isReady())
                        && gateway.haproxyStatus().values().stream().allMatch(s -> s.startsWith("UP")));
        long backAt = load.mark("3 members, ready, UP");
        Phases.hold(Duration.ofSeconds(4));
        List<Sample> samples = load.stop();
        long memberListsAfter = MemberLinks.memberLists(nodes);
        long fellBack = MemberLatencyDockerTest.fallbacks(nodes) - fallbacksBefore;

        Predicate<Sample> isQuota = s -> s.target() == quota;
        Predicate<Sample> isMain = s -> s.target() == main;
        long baseM99 = MemberLatencyDockerTest.percentile(samples, isMain, 0, lossAt, 99);
        long baseQ99 = MemberLatencyDockerTest.percentile(samples, isQuota, 0, lossAt, 99);
        long lossM99 = MemberLatencyDockerTest.percentile(samples, isMain, lossAt, endAt, 99);
        long lossQ50 = MemberLatencyDockerTest.percentile(samples, isQuota, lossAt, endAt, 50);
        long lossQ99 = MemberLatencyDockerTest.percentile(samples, isQuota, lossAt, endAt, 99);
        long failed = samples.stream().filter(Sample::failed).count();
        long quotaDuringLoss = samples.stream().filter(s -> isQuota.test(s) && s.startNanos() >= lossAt
                && s.startNanos() < endAt).count();

        // two-sided: the loss is real (iptables counted its drops)
        report.claim("member packets dropped by the loss rules", Long.toString(dropped), "> 0", dropped > 0);
        report.claim("the cluster stays formed: size 3 and ready on every node, polled every 500 ms during the loss",
                formed.measured(),
                "0 not formed (a member goes after 5 s without heartbeat: a segment lost 5 times in a row)",
                formed.stayedFormed());
        // Hazelcast logs its member list at every change: a member dropped and back in would add two per node
        report.claim("member lists logged by the nodes' Hazelcast during the scenario (a change of membership each)",
                Long.toString(memberListsAfter - memberListsBefore), "0", memberListsAfter == memberListsBefore);
        report.note("one cluster of 3 again, ready and UP, " + Phases.millis(backAt - endAt) + " ms after the loss ended");
        report.claim("client errors and no-answers over the scenario", Long.toString(failed), "0", failed == 0);
        report.failover("the loss", samples, lossAt, lossAt, endAt, CHECK_BUDGET_MS + 300);
        report.claim("p99 of the route without a rate limit (cluster breaker) during the loss", lossM99 + " ms (before: "
                + baseM99 + " ms)", "<= before + 100 ms (no member call on its path)", lossM99 <= baseM99 + 100);
        report.claim("quota route p99 during the loss", lossQ99 + " ms (p50 " + lossQ50 + " ms; before: p99 " + baseQ99 + " ms)",
                "<= before + the check's budget (" + CHECK_BUDGET_MS + " ms) + 100 ms", lossQ99 <= baseQ99 + CHECK_BUDGET_MS + 100);
        report.note("quota checks that fell back (fail-closed 429): "
                + fellBack + " of " + quotaDuringLoss
                + " quota requests due during the loss");
        MemberLatencyDockerTest.quotaClaims(report, samples, quota, fellBack);
        List<String> breakers = nodes.stream().map(n -> n.name() + " " + n.breakerState("demo")).toList();
        report.claim("the demo upstream's cluster breaker after the loss", breakers.toString(), "closed on every node",
                breakers.stream().allMatch(b -> b.endsWith(" closed")));
        if (failed > 0) {
            report.note("failures: " + Phases.describeFailures(samples, 10));
        }
        report.write(load, samples);
        report.assertAllHold();
    }
}
