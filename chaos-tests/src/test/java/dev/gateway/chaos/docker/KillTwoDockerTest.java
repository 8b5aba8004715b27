package dev.gateway.chaos.docker;

import static dev.gateway.chaos.docker.FaultKit.CLIENTS;
import static dev.gateway.chaos.docker.FaultKit.LIMIT;
import static dev.gateway.chaos.docker.FaultKit.RATE;

import dev.gateway.chaos.docker.ChaosLoad.Sample;
import dev.gateway.chaos.support.Http;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code kill -9} of two nodes of three at once, under load through HAProxy, then {@code docker start} of both. The
 * survivor is alone, below {@code min-size} (2): by design it is not ready, so once HAProxy has marked the two dead
 * ones down and then the survivor, <em>no</em> server is UP and HAProxy (TCP mode) closes every client connection
 * at once: the clients see connection errors, quickly (no hang), for as long as the outage lasts. Asked directly,
 * the survivor still serves its fallbacks (the plain route 200, the fail-closed quota 429). When the two return,
 * the three form one cluster, every node ready and UP, and from the first UP in HAProxy nothing fails. The quota
 * (spent before the kill) admits at most one more limit, and only when both of its bucket's copies died; the
 * breaker (open before the kill) ends up one view on the three, still open if the survivor held a copy.
 */
@Timeout(300)
class KillTwoDockerTest extends DockerScenario {
    static final long MARK_DOWN_BOUND_MS = KillNodeDockerTest.MARK_DOWN_BOUND_MS;
    /** Heartbeats stop: the survivor drops the dead after 5 s (max no heartbeat), the second possibly one round later. */
    static final long NOT_READY_BOUND_MS = 12_000;
    /** From the survivor's not-ready (seen within 100 ms) to HAProxy's mark-down: two checks 500 ms apart, + 250 ms. */
    static final long SURVIVOR_DOWN_BOUND_MS = 1_500;
    /** With no server UP, HAProxy closes a connection at once: a failure must come fast, not after a timeout. */
    static final long FAIL_FAST_P99_MS = 1_000;
    /** From docker start to a node UP in HAProxy: a JVM start, a join, two checks; generous for a loaded 2-core CI. */
    static final long RETURN_BOUND_MS = 60_000;
    /** The first second after the first node is UP again: nothing should queue. */
    static final long P99_BOUND_MS = 1_000;

    @Test
    void theSurvivorIsNotReadySoHaproxyHasNoServerUntilTheTwoReturnThenAllServeAndTheQuotaHolds() {
        gateway = DockerGateway.spec("kill-two").shared(FaultKit.shared("v1")).start();
        ChaosReport report = new ChaosReport("kill-two", "7. kill -9 of two nodes of three, the survivor alone, their return");
        FaultKit.openBreaker(gateway);
        ChaosLoad load = track(report, ChaosLoad.start(gateway.proxyPort(), CLIENTS, RATE, FaultKit.mix()));
        DockerNode survivor = gateway.node(1);
        List<DockerNode> victims = List.of(gateway.node(2), gateway.node(3));

        FaultKit.awaitQuotaSpent(gateway, load);
        List<String> quotaHolders = FaultKit.quotaHolders(survivor);
        List<String> breakerHolders = FaultKit.breakerHolders(survivor);
        String breakerBefore = FaultKit.breakerView(survivor);
        Phases.hold(Duration.ofSeconds(2));
        long killAt = load.mark("SIGKILL gw-2 and gw-3");
        victims.forEach(gateway::kill9);
        long[] victimsDownAt = {-1};
        Phases.until("HAProxy marks gw-2 and gw-3 down", Duration.ofSeconds(15), Duration.ofMillis(50), () -> {
            if (victims.stream().allMatch(gateway::haproxyMarkedDown)) {
                victimsDownAt[0] = load.mark("HAProxy: gw-2 and gw-3 down");
                return true;
            }
            return false;
        });
        String[] reason = {null};
        long[] notReadyAt = {-1};
        Phases.until("gw-1 not ready", Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
            Http.Reply r = survivor.ready();
            if (r.status() == 503) {
                reason[0] = r.json().path("reason").asText();
                notReadyAt[0] = load.mark("gw-1 not ready: " + reason[0]);
                return true;
            }
            return false;
        });
        long[] allDownAt = {-1};
        Phases.until("HAProxy marks gw-1 down", Duration.ofSeconds(15), Duration.ofMillis(50), () -> {
            if (gateway.haproxyMarkedDown(survivor)) {
                allDownAt[0] = load.mark("HAProxy: no server UP");
                return true;
            }
            return false;
        });

        // the survivor's fallbacks, asked directly
        int plainOk = 0;
        int quotaRefused = 0;
        long slowestDirect = 0;
        for (int i = 0; i < 5; i++) {
            Http.Reply a = survivor.proxyGet("/hello");
            Http.Reply b = survivor.proxyGet("/q/x");
            plainOk += a.status() == 200 ? 1 : 0;
            quotaRefused += b.status() == 429 ? 1 : 0;
            slowestDirect = Math.max(slowestDirect, Math.max(a.millis(), b.millis()));
        }
        Phases.hold(Duration.ofSeconds(3));

        long startAt = load.mark("docker start gw-2 and gw-3");
        victims.forEach(gateway::dockerStart);
        long[] dnsUpAt = {-1};
        String[] upBeforeCheck = {null};
        long[] firstUpAt = {-1};
        long[] convergedAt = {-1};
        Phases.until("one cluster of 3, every node ready and UP", Duration.ofSeconds(120), Duration.ofMillis(100), () -> {
            Map<String, String> status = gateway.haproxyStatus();
            if (dnsUpAt[0] < 0 && status.values().stream().anyMatch(st -> st.startsWith("UP"))) {
                dnsUpAt[0] = load.mark("HAProxy: UP again " + status + " " + gateway.haproxyColumn("check_status"));
            }
            if (firstUpAt[0] < 0) {
                Map<String, String> checks = gateway.haproxyColumn("check_status");
                status.forEach((server, st) -> {
                    if (upBeforeCheck[0] == null && st.startsWith("UP") && !"L7OK".equals(checks.get(server))) {
                        upBeforeCheck[0] = server + " " + st + " with check " + checks.get(server);
                    }
                });
                if (status.entrySet().stream().anyMatch(e -> e.getValue().startsWith("UP") && "L7OK".equals(checks.get(e.getKey())))) {
                    firstUpAt[0] = load.mark("HAProxy: a node UP by its check " + status);
                }
            }
            if (firstUpAt[0] >= 0 && FaultKit.converged(gateway, 0)) {
                convergedAt[0] = load.mark("one cluster of 3, ready, UP");
                return true;
            }
            return false;
        });
        Phases.hold(Duration.ofSeconds(3));
        List<Sample> samples = load.stop();
        String breakerAfter = FaultKit.breakerView(survivor);

        long markDownMs = Phases.millis(victimsDownAt[0] - killAt);
        report.claim("HAProxy marks gw-2 and gw-3 down", markDownMs + " ms after the kill",
                "<= " + MARK_DOWN_BOUND_MS + " ms (inter 500 fall 2, + 250 ms to observe)", markDownMs <= MARK_DOWN_BOUND_MS);
        report.claim("the survivor alone (size 1 < min-size 2) is not ready", Phases.millis(notReadyAt[0] - killAt)
                + " ms after the kill, reason \"" + reason[0] + "\"", "<= " + NOT_READY_BOUND_MS + " ms, reason names min-size or quorum",
                notReadyAt[0] - killAt <= NOT_READY_BOUND_MS * 1_000_000L && reason[0] != null
                        && (reason[0].contains("min-size") || reason[0].contains("quorum")));
        report.claim("HAProxy marks the survivor down: no server UP", Phases.millis(allDownAt[0] - notReadyAt[0])
                + " ms after its not-ready", "<= " + SURVIVOR_DOWN_BOUND_MS + " ms", allDownAt[0] - notReadyAt[0]
                <= SURVIVOR_DOWN_BOUND_MS * 1_000_000L);
        report.claim("the survivor asked directly: plain route, fail-closed quota", plainOk + " of 5 answered 200, "
                + quotaRefused + " of 5 answered 429, slowest " + slowestDirect + " ms", "5 and 5, < 2000 ms",
                plainOk == 5 && quotaRefused == 5 && slowestDirect < 2000);
        // while no server is UP: every request fails (HAProxy has nowhere to send it), and fast
        List<Sample> outage = samples.stream().filter(s -> s.startNanos() >= allDownAt[0] + 100_000_000L
                && s.startNanos() < startAt).toList();
        long outageFailed = outage.stream().filter(Sample::failed).count();
        long outageP99 = ChaosReport.p99Millis(outage, 0, Long.MAX_VALUE);
        report.claim("while HAProxy has no server UP: requests that fail, their p99 latency", outageFailed + " of "
                + outage.size() + ", p99 " + outageP99 + " ms", "all of them (nothing can serve), p99 <= "
                + FAIL_FAST_P99_MS + " ms (HAProxy closes the connection at once)", !outage.isEmpty()
                && outageFailed == outage.size() && outageP99 <= FAIL_FAST_P99_MS);
        // A killed container's name leaves Docker's DNS. With "hold nx 5s" HAProxy put the server in maintenance, and
        // when the name resolved again on the restart put it straight back UP ("administratively READY thanks to
        // valid DNS answer") before any check: what it sent there until the first check failed met a refused connect,
        // retried 1 s apart on a server no better, failing in up to 2-3 s. docker/compose/haproxy.cfg now holds the last
        // address for 30 s, so the server stays DOWN until "rise 2": until then requests fail fast, as in the outage.
        List<Sample> readmitted = samples.stream().filter(s -> s.startNanos() >= startAt && s.startNanos() < firstUpAt[0]).toList();
        long readmittedFailed = readmitted.stream().filter(Sample::failed).count();
        long readmittedP99 = ChaosReport.p99Millis(readmitted, 0, Long.MAX_VALUE);
        report.claim("HAProxy shows a returning node UP only once a check passed", upBeforeCheck[0] == null
                ? "never UP before L7OK" : "UP before its check: " + upBeforeCheck[0], "never UP before its check",
                upBeforeCheck[0] == null);
        report.claim("from docker start to the first node UP by its check: failures, p99", readmittedFailed + " of "
                + readmitted.size() + " failed, p99 " + readmittedP99 + " ms (first UP status "
                + (dnsUpAt[0] < 0 ? "never" : Phases.millis(dnsUpAt[0] - startAt) + " ms after docker start") + ")",
                "p99 <= " + FAIL_FAST_P99_MS + " ms (no server UP: HAProxy closes at once)", readmittedP99 <= FAIL_FAST_P99_MS);
        long outageMs = Phases.millis(firstUpAt[0] - allDownAt[0]);
        report.claim("the two return: first node UP in HAProxy by its check", Phases.millis(firstUpAt[0] - startAt)
                + " ms after docker start (outage " + outageMs + " ms)", "<= " + RETURN_BOUND_MS + " ms",
                firstUpAt[0] > 0 && firstUpAt[0] - startAt <= RETURN_BOUND_MS * 1_000_000L);
        report.claim("one cluster of 3: one members view, one config version, one breaker view, all ready and UP",
                convergedAt[0] < 0 ? "not within 120 s" : Phases.millis(convergedAt[0] - startAt) + " ms after docker start",
                "within 120 s", convergedAt[0] > 0);
        // what may fail besides the outage: requests on the dead nodes' connections (one a client) and, at the
        // survivor's mark-down, what it had in flight (shutdown-sessions)
        long failedBefore = FaultKit.failedWithin(samples, 0, allDownAt[0]);
        long failedAfterUp = FaultKit.failedWithin(samples, firstUpAt[0], Long.MAX_VALUE);
        report.claim("failed requests due before the outage", Long.toString(failedBefore), "<= " + CLIENTS + " + "
                + load.maxInFlight() + " (each client's request on a dead node's connection; what the survivor had in "
                + "flight at its mark-down)", failedBefore <= CLIENTS + load.maxInFlight());
        report.claim("failed requests due after a node is UP again", Long.toString(failedAfterUp), "0", failedAfterUp == 0);
        report.failover("the first node back UP", samples, firstUpAt[0], firstUpAt[0] + 1_000_000_000L, load.now(), P99_BOUND_MS);
        boolean bucketKept = quotaHolders.contains(survivor.name());
        FaultKit.quotaClaims(report, samples, killAt, bucketKept ? 0 : LIMIT, bucketKept
                ? "gw-1 held a copy of the bucket " + quotaHolders + ": nothing lost, none may be admitted"
                : "the bucket's copies " + quotaHolders + " both died: it may start full, one extra limit");
        boolean breakerKept = breakerHolders.contains(survivor.name());
        report.claim("the breaker opened before the kill, after the return", breakerAfter + " on all three (before: "
                + breakerBefore + "; entry held by " + breakerHolders + ")", breakerKept ? "open (gw-1 held a copy)"
                : "one view (its copies died: it may restart closed)", convergedAt[0] > 0
                && (!breakerKept || breakerAfter.startsWith("open")));
        report.note("outage (from no server UP to the first UP by a check) " + outageMs + " ms; failed in it: "
                + (outageFailed + readmittedFailed));
        if (outageFailed > 0) {
            report.note("failures: " + Phases.describeFailures(samples, 6));
        }
        report.write(load, samples);
        report.assertAllHold();
    }
}
