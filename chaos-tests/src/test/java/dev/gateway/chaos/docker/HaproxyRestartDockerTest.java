package dev.gateway.chaos.docker;

import static dev.gateway.chaos.docker.FaultKit.CLIENTS;
import static dev.gateway.chaos.docker.FaultKit.RATE;

import dev.gateway.chaos.docker.ChaosLoad.Sample;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HAProxy itself restarted under load ({@code docker restart -t 1} of its container; its host port pinned so that
 * the clients find it again). SIGTERM stops HAProxy at once, closing every connection; until the new process
 * listens, a client's connect is refused. The clients see connection errors for the restart's duration only: no
 * request due before the restart or after HAProxy serves again fails, the failures come fast (a refused connect,
 * not a hang), and every second from a second after HAProxy is back is served. The nodes do not notice: the
 * cluster stays one of three, the quota (spent before) admits nothing more, the breaker stays open.
 */
@Timeout(300)
class HaproxyRestartDockerTest extends DockerScenario {
    /** docker restart: SIGTERM (HAProxy exits at once), then a container start and the config parse: seconds. */
    static final long RESTART_BOUND_MS = 10_000;
    /** A refused connect or a closed connection fails at once. */
    static final long FAIL_FAST_P99_MS = 1_000;
    /**
     * Requests due from the restart until a second after HAProxy is back: those that fail, fail fast; a connect made
     * while the container's network comes up can lose its SYN, which TCP sends again after its initial RTO (1 s):
     * 1 s, + 1 s of margin for the restart itself.
     */
    static final long P99_BOUND_MS = 2_000;
    /** After HAProxy's start its servers are UP at once (no state file: assumed up), checked every 500 ms. */
    static final long SETTLE_NANOS = 1_000_000_000L;

    /** Requests answer in a few ms: one due this long before the restart was done before it. */
    static final long IN_FLIGHT_NANOS = 200_000_000L;

    @Test
    void clientsSeeConnectionErrorsOnlyWhileHaproxyRestartsAndTheClusterDoesNotNotice() {
        gateway = DockerGateway.spec("haproxy-restart").pinHaproxyPort().shared(FaultKit.shared("v1")).start();
        ChaosReport report = new ChaosReport("haproxy-restart", "11. HAProxy restarted under load (docker restart)");
        FaultKit.openBreaker(gateway);
        int port = gateway.proxyPort();
        ChaosLoad load = track(report, ChaosLoad.start(port, CLIENTS, RATE, FaultKit.mix()));

        FaultKit.awaitQuotaSpent(gateway, load);
        Phases.hold(Duration.ofSeconds(2));
        long restartAt = load.mark("docker restart -t 1 haproxy");
        gateway.restartHaproxy(1);
        long restartedAt = load.mark("docker restart returned");
        long[] backAt = {-1};
        Phases.until("HAProxy answers with every server UP", Duration.ofSeconds(30), Duration.ofMillis(50), () -> {
            if (gateway.haproxyStatus().values().stream().allMatch(s -> s.startsWith("UP"))) {
                backAt[0] = load.mark("HAProxy back, every server UP");
                return true;
            }
            return false;
        });
        // one size-3 reading per node every 250 ms while the load runs: the nodes must not notice
        int[] smallest = {3};
        Phases.hold(Duration.ofSeconds(6), Duration.ofMillis(500), () -> gateway.nodes()
                .forEach(n -> smallest[0] = Math.min(smallest[0], n.clusterSize())));
        List<Sample> samples = load.stop();
        Map<String, String> views = FaultKit.views(gateway);

        long failed = samples.stream().filter(Sample::failed).count();
        // a request due just before the restart may be in flight when it happens: it belongs to the restart
        long windowFrom = restartAt - IN_FLIGHT_NANOS;
        long failedBefore = FaultKit.failedWithin(samples, 0, windowFrom);
        long failedAfter = FaultKit.failedWithin(samples, backAt[0], Long.MAX_VALUE);
        List<Sample> during = samples.stream().filter(s -> s.startNanos() >= windowFrom && s.startNanos() < backAt[0]).toList();
        long failedDuring = during.stream().filter(Sample::failed).count();
        long failP99 = ChaosReport.p99Millis(samples.stream().filter(Sample::failed).toList(), 0, Long.MAX_VALUE);
        long restartMs = Phases.millis(backAt[0] - restartAt);
        report.claim("HAProxy back with every server UP", backAt[0] < 0 ? "not within 30 s" : restartMs
                + " ms after the restart (docker restart returned after " + Phases.millis(restartedAt - restartAt) + " ms)",
                "<= " + RESTART_BOUND_MS + " ms", backAt[0] > 0 && restartMs <= RESTART_BOUND_MS);
        report.claim("failed requests due before the restart", Long.toString(failedBefore), "0", failedBefore == 0);
        report.claim("failed requests due after HAProxy is back", Long.toString(failedAfter), "0",
                backAt[0] > 0 && failedAfter == 0);
        // two-sided: a restart that costs nothing did not happen (the clients' connections went with the process)
        report.claim("failed requests due during the restart", failedDuring + " of " + during.size() + " (overall "
                + failed + ")", "> 0 and all of the overall", failedDuring > 0 && failedDuring == failed);
        report.claim("latency of the failures", "p99 " + failP99 + " ms", "<= " + FAIL_FAST_P99_MS
                + " ms (a refused connect or a closed connection, no hang)", failed > 0 && failP99 <= FAIL_FAST_P99_MS);
        report.failover("the restart", samples, restartAt, backAt[0] + SETTLE_NANOS, load.now(), P99_BOUND_MS);
        report.claim("the nodes did not notice: smallest cluster size, views after", smallest[0] + "; "
                + views.values().iterator().next(), "3, one view, breaker open", smallest[0] == 3
                && FaultKit.converged(gateway, 0) && views.values().stream().allMatch(v -> v.contains("breaker open")));
        FaultKit.quotaClaims(report, samples, restartAt, 0, "the cluster is untouched");
        report.note("restart outage " + restartMs + " ms; " + failedDuring + " of the " + during.size()
                + " requests due in it failed (those not failed: sent on a connection HAProxy answered once back)");
        if (failed > 0) {
            report.note("failures: " + Phases.describeFailures(samples, 6));
        }
        report.write(load, samples);
        report.assertAllHold();
    }
}
