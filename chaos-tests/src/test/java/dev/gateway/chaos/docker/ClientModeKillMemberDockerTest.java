package dev.gateway.chaos.docker;

import dev.gateway.chaos.docker.ChaosLoad.Sample;
import dev.gateway.chaos.docker.ChaosLoad.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client topology in containers: three dedicated members ({@code gateway-node member}, one backup,
 * {@code min-size: 2}) and three client-mode gateway nodes behind HAProxy. {@code kill -9} of the member owning the
 * global quota's bucket under open-loop load through HAProxy: no gateway node dies, so no request fails and HAProxy
 * marks nothing down; the quota (token bucket, 300 a day, fail-closed, {@link KillNodeDockerTest#SHARED}) admits no
 * more than 300 across the kill, and no fewer than 300 minus the quota requests due while the cluster was unsure
 * (from the kill until every node saw two members); what remains after is at most 300 less what was admitted (the
 * bucket lived on in its backup, nothing was reset).
 */
@Timeout(300)
class ClientModeKillMemberDockerTest extends DockerScenario {
    static final int CLIENTS = 8;
    static final int RATE = 150;
    static final int QUOTA = 300;

    @Test
    void killNineOfTheMemberOwningTheQuotasBucketFailsNoRequestAndCostsNoQuota() {
        gateway = DockerGateway.spec("client-kill-member").members(3).shared(KillNodeDockerTest.SHARED).start();
        ChaosReport report = new ChaosReport("client-kill-member",
                "1c. client topology: kill -9 of the member owning the quota's bucket");
        Target main = Target.plain("/hello");
        Target quota = new Target("quota", "/q/x", Set.of(429));
        ChaosLoad load = track(report, ChaosLoad.start(gateway.proxyPort(), CLIENTS, RATE, n -> n % 5 == 0 ? quota : main));
        List<String> holders = new ArrayList<>();
        Phases.until("the quota bucket has an owner", Duration.ofSeconds(10), Duration.ofMillis(200), () -> {
            holders.clear();
            holders.addAll(gateway.node(1).bucketHolders("q", "*"));
            return !holders.isEmpty();
        });
        DockerNode victim = gateway.member(holders.get(0));
        report.note("bucket q/* owned by " + victim.name() + " (a client node knows the owner, not the backup): killing it");

        Phases.hold(Duration.ofSeconds(3));
        long killedAt = load.mark("SIGKILL " + victim.name());
        gateway.kill9(victim);
        long[] leftAt = {-1};
        Phases.hold(ChaosLoad.REQUEST_TIMEOUT.plus(Duration.ofSeconds(4)), Duration.ofMillis(250), () -> {
            if (leftAt[0] < 0 && gateway.nodes().stream().allMatch(n -> n.clusterSize() == 2)) {
                leftAt[0] = load.mark("every node sees 2 members");
            }
        });
        List<Sample> samples = load.stop();
        long remaining = gateway.node(1).remaining("q", "*");
        boolean noneDown = gateway.nodes().stream().noneMatch(gateway::haproxyMarkedDown);

        long failed = samples.stream().filter(Sample::failed).count();
        long admitted = samples.stream().filter(s -> s.target() == quota && s.status() == 200).count();
        long refused = samples.stream().filter(s -> s.target() == quota && s.status() == 429).count();
        report.claim("client errors and no-answers over the scenario", Long.toString(failed),
                "0 (no gateway node died)", failed == 0);
        report.claim("gateway nodes HAProxy marked down", noneDown ? "none" : gateway.haproxyStatus().toString(),
                "none", noneDown);
        report.claim("global quota q (300/day, fail-closed) admitted across the kill", admitted + " (429: " + refused
                + "; remaining after: " + remaining + ")", "<= " + QUOTA, admitted <= QUOTA);
        report.claim("nothing reset: remaining after the kill", Long.toString(remaining),
                "<= " + QUOTA + " - " + admitted + " admitted", remaining <= QUOTA - admitted);
        long quotaDueWhileUnsure = samples.stream().filter(s -> s.target() == quota && s.startNanos() >= killedAt
                && s.startNanos() <= (leftAt[0] < 0 ? load.now() : leftAt[0])).count();
        long lost = QUOTA - admitted - Math.max(0, remaining);
        report.claim("global quota q admits its limit", admitted + " admitted (" + lost + " tokens taken without a 200)",
                ">= " + QUOTA + " - " + quotaDueWhileUnsure + " (quota requests due while the nodes dropped the dead member)",
                admitted >= QUOTA - quotaDueWhileUnsure);
        report.note("every node saw 2 members "
                + (leftAt[0] < 0 ? "(not within the scenario)" : Phases.millis(leftAt[0] - killedAt) + " ms after the kill"));
        if (failed > 0) {
            report.note("failures: " + Phases.describeFailures(samples, 10));
        }
        report.write(load, samples);
        report.assertAllHold();
    }
}
