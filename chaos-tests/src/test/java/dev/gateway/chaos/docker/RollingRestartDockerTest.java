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
 * Scenario 4: a rolling restart of all three nodes under load through HAProxy: {@code docker stop} (SIGTERM: the
 * node turns not ready, stops accepting, drains what is in flight with {@code Connection: close}, leaves the
 * cluster), {@code docker start}, wait until it is ready, in the cluster and UP in HAProxy, then the next one.
 * No client sees an error, and a global quota is never reset: its remaining tokens, read all along from a node
 * that is not restarting, never go up by more than the refill the policy itself grants over the scenario.
 *
 * <p>The quota falls back to {@code local}: a check that meets a partition in migration (a member leaving or
 * joining, the new owner's entry-processor code still cold) can exceed the 500 ms budget; with
 * {@code fail-closed} such a request is refused although tokens are left (1 or 2 per rolling restart measured
 * here), with {@code local} it is admitted against this node's share. Either way the global bucket is not reset.
 */
@Timeout(420)
class RollingRestartDockerTest extends DockerScenario {
    static final int CLIENTS = 8;
    /** No stall in a graceful restart: a draining node answers what it has, new connections go elsewhere. */
    static final long P99_BOUND_MS = 1_000;
    static final int RATE = 150;
    static final int QUOTA = 300;
    static final long QUOTA_PERIOD_SECONDS = 86_400;
    static final String SHARED = """
            upstreams:
              demo:
                targets:
                  - {url: "http://upstream-a:9000"}
                timeouts: {connect: 1s, response: 5s}
            rate-limits:
              q: {algorithm: token-bucket, limit: 300, per: 1d, key: global, on-cluster-failure: local}
            routes:
              - {id: quota, match: {path: "/q/**"}, upstream: demo, rate-limits: [q]}
              - {id: all, match: {path: "/**"}, upstream: demo}
            observability:
              access-log: {format: "off"}
            """;

    record Reading(long atNanos, long remaining) {
    }

    @Test
    void restartingEveryNodeInTurnCostsNoRequestAndNoQuota() {
        gateway = DockerGateway.spec("rolling").shared(SHARED).start();
        ChaosReport report = new ChaosReport("rolling", "4. rolling restart of all three nodes (SIGTERM, start, ready, next)");
        Target main = Target.plain("/hello");
        // 1.5 requests a second on the quota: about 150 of its 300 tokens over the scenario, never refused
        Target quota = new Target("quota", "/q/x", Set.of());
        ChaosLoad load = track(report, ChaosLoad.start(gateway.proxyPort(), CLIENTS, RATE, n -> n % 100 == 0 ? quota : main));
        List<Reading> readings = new ArrayList<>();
        List<String> steps = new ArrayList<>();

        Phases.hold(Duration.ofSeconds(2), Duration.ofMillis(500), () -> read(readings, load, gateway.node(1)));
        long firstStopAt = -1;
        for (int i = 1; i <= 3; i++) {
            DockerNode observer = gateway.node(i % 3 + 1);
            RollingStep step = RollingStep.of(gateway, load, gateway.node(i), n -> { }, () -> read(readings, load,
                    observer));
            firstStopAt = firstStopAt < 0 ? step.stopAt() : firstStopAt;
            steps.add(step.toString());
        }
        Phases.hold(Duration.ofSeconds(2), Duration.ofMillis(500), () -> read(readings, load, gateway.node(1)));
        List<Sample> samples = load.stop();

        long failed = samples.stream().filter(Sample::failed).count();
        long admitted = samples.stream().filter(s -> s.target() == quota && s.status() == 200).count();
        long rise = 0;
        long lowest = Long.MAX_VALUE;
        for (Reading r : readings) {
            if (r.remaining() >= 0) {
                rise = Math.max(rise, lowest == Long.MAX_VALUE ? 0 : r.remaining() - lowest);
                lowest = Math.min(lowest, r.remaining());
            }
        }
        long unanswered = readings.stream().filter(r -> r.remaining() < 0).count();
        double seconds = load.now() / 1e9;
        long refill = (long) Math.ceil(QUOTA * seconds / QUOTA_PERIOD_SECONDS);
        Reading first = readings.stream().filter(r -> r.remaining() >= 0).findFirst().orElse(new Reading(0, -1));
        Reading last = readings.stream().filter(r -> r.remaining() >= 0).reduce((a, b) -> b).orElse(new Reading(0, -1));
        long mainFailed = samples.stream().filter(s -> s.target() == main && s.failed()).count();
        long quotaRefused = samples.stream().filter(s -> s.target() == quota && s.failed()).count();
        report.claim("errors and no-answers on the plain route", Long.toString(mainFailed), "0", mainFailed == 0);
        // a graceful restart costs nothing: full throughput every second, and no request waits on a draining node
        report.failover("the first docker stop", samples, firstStopAt, firstStopAt, load.now(), P99_BOUND_MS);
        report.claim("quota requests refused (or failed) although q had tokens left", Long.toString(quotaRefused), "0",
                quotaRefused == 0);
        report.claim("largest rise of q's remaining tokens over the lowest seen before", Long.toString(rise),
                "<= " + refill + " (its own refill: 300/day over " + Math.round(seconds) + " s)", rise <= refill);
        report.claim("readings of q's remaining", readings.size() + " (" + unanswered + " unanswered), from " + first.remaining()
                + " to " + last.remaining() + "; " + admitted + " admitted", "a reading in every step", readings.size() - unanswered >= 6);
        steps.forEach(report::note);
        if (failed > 0) {
            report.note("failures: " + Phases.describeFailures(samples, 10));
        }
        report.write(load, samples);
        report.assertAllHold();
    }

    private static void read(List<Reading> readings, ChaosLoad load, DockerNode node) {
        readings.add(new Reading(load.now(), node.remaining("q", "*")));
    }
}
