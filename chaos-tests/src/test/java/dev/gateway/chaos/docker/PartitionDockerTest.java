package dev.gateway.chaos.docker;

import dev.gateway.chaos.docker.ChaosLoad.Sample;
import dev.gateway.chaos.docker.ChaosLoad.Target;
import dev.gateway.chaos.support.Http;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 3: a 2|1 partition (iptables in gw-3 drops every packet from and to gw-1 and gw-2; HAProxy and the test
 * still reach it) under load through HAProxy. The minority (gw-3) is not ready within a few seconds, with a reason,
 * and applies each rate limit's declared fallback ({@code fail-closed}: 429; {@code local}: at most
 * {@code limit / expected-size}); the majority takes a new config meanwhile; after healing, one cluster of 3 again,
 * every node on the highest config version, gw-3 serving it.
 */
@Timeout(300)
class PartitionDockerTest extends DockerScenario {
    /** From the minority's not-ready, HAProxy's two checks (1 s) and the 2 s until full throughput. */
    static final long SETTLE_NANOS = 3_000_000_000L;
    /** Nothing stalls in a partition: the minority answers from its fallbacks until HAProxy drops it. */
    static final long P99_BOUND_MS = 1_000;
    static final int CLIENTS = 8;
    static final int RATE = 150;
    static final int LOCAL_SHARE = 300 / 3;
    static final long NOT_READY_BOUND_MS = 12_000;
    static final String SHARED = """
            upstreams:
              demo:
                targets:
                  - {url: "http://upstream-a:9000"}
                timeouts: {connect: 1s, response: 5s}
            rate-limits:
              closed: {algorithm: token-bucket, limit: 300, per: 1d, key: global, on-cluster-failure: fail-closed}
              local: {algorithm: token-bucket, limit: 300, per: 1d, key: global, on-cluster-failure: local}
            routes:
              - {id: closed, match: {path: "/closed/**"}, upstream: demo, rate-limits: [closed]}
              - {id: local, match: {path: "/local/**"}, upstream: demo, rate-limits: [local]}
              - id: all
                match: {path: "/**"}
                upstream: demo
                response: {set-headers: {X-Config: "%s"}}
            observability:
              access-log: {format: "off"}
            """;

    @Test
    void theMinorityIsNotReadyAndFallsBackThenTheHealedClusterRunsTheMajoritysNewerConfig() {
        gateway = DockerGateway.spec("partition").shared(SHARED.formatted("v1")).start();
        ChaosReport report = new ChaosReport("partition", "3. partition 2|1 (iptables), new config on the majority, heal");
        Target main = Target.plain("/hello");
        ChaosLoad load = track(report, ChaosLoad.start(gateway.proxyPort(), CLIENTS, RATE, n -> main));
        DockerNode minority = gateway.node(3);
        List<DockerNode> majority = List.of(gateway.node(1), gateway.node(2));
        long before = minority.configVersion();

        Phases.hold(Duration.ofSeconds(3));
        long cutAt = load.mark("iptables: gw-3 cut off from gw-1 and gw-2");
        gateway.isolate(minority);
        String[] reason = {null};
        long[] notReadyAt = {-1};
        Phases.until("gw-3 not ready", Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
            Http.Reply r = minority.ready();
            if (r.status() == 503) {
                reason[0] = r.json().path("reason").asText();
                notReadyAt[0] = load.mark("gw-3 not ready: " + reason[0]);
                return true;
            }
            return false;
        });
        long[] majorityAt = {-1};
        Phases.until("gw-1 and gw-2 see 2 members and are ready", Duration.ofSeconds(30), Duration.ofMillis(250), () -> {
            if (majority.stream().allMatch(n -> n.clusterSize() == 2 && n.isReady())) {
                majorityAt[0] = load.mark("gw-1 and gw-2: 2 members, ready");
                return true;
            }
            return false;
        });

        // the minority's fallbacks, asked directly (HAProxy no longer sends it anything)
        load.mark("requests straight to gw-3: /closed x5, /local x" + (LOCAL_SHARE + 30));
        int closedRefused = 0;
        long slowestFallback = 0;
        for (int i = 0; i < 5; i++) {
            Http.Reply r = minority.proxyGet("/closed/x");
            closedRefused += r.status() == 429 ? 1 : 0;
            slowestFallback = Math.max(slowestFallback, r.millis());
        }
        int localAdmitted = 0;
        int localRefused = 0;
        for (int i = 0; i < LOCAL_SHARE + 30; i++) {
            Http.Reply r = minority.proxyGet("/local/x");
            localAdmitted += r.status() == 200 ? 1 : 0;
            localRefused += r.status() == 429 ? 1 : 0;
            slowestFallback = Math.max(slowestFallback, r.millis());
        }

        long putAt = load.mark("PUT /admin/config (X-Config: v2) on gw-1");
        Http.Reply put = gateway.node(1).admin("PUT", "/admin/config", SHARED.formatted("v2"));
        long newVersion = put.status() == 200 ? put.json().path("version").asLong() : -1;
        long[] majorityServesAt = {-1};
        if (newVersion > 0) {
            Phases.until("gw-1 and gw-2 on version " + newVersion, Duration.ofSeconds(20), Duration.ofMillis(100), () -> {
                if (majority.stream().allMatch(n -> n.configVersion() == newVersion && "v2".equals(n.proxyGet("/hello").header("X-Config")))) {
                    majorityServesAt[0] = load.mark("gw-1 and gw-2 serve version " + newVersion);
                    return true;
                }
                return false;
            });
        }
        long minorityVersionDuring = minority.configVersion();

        long healAt = load.mark("iptables rules removed");
        gateway.heal(minority);
        long[] mergedAt = {-1};
        long[] convergedAt = {-1};
        Phases.until("one cluster of 3 on version " + newVersion + ", gw-3 ready", Duration.ofSeconds(90),
                Duration.ofMillis(250), () -> {
                    if (mergedAt[0] < 0 && gateway.nodes().stream().allMatch(n -> n.clusterSize() == 3)) {
                        mergedAt[0] = load.mark("size 3 on every node");
                    }
                    if (mergedAt[0] >= 0 && gateway.nodes().stream().allMatch(n -> n.configVersion() == newVersion)
                            && minority.isReady() && "v2".equals(minority.proxyGet("/hello").header("X-Config"))) {
                        convergedAt[0] = load.mark("every node on version " + newVersion + ", gw-3 ready");
                        return true;
                    }
                    return false;
                });
        Phases.hold(Duration.ofSeconds(2));
        List<Sample> samples = load.stop();

        long failed = samples.stream().filter(Sample::failed).count();
        // The members drop each other after 5 s without heartbeat (hazelcast.max.no.heartbeat.seconds); a member cut
        // off from the master first suspects the master, then needs a second round for the other member: 5 to 10 s.
        report.claim("gw-3 (minority) not ready after the cut", Phases.millis(notReadyAt[0] - cutAt) + " ms",
                "<= " + NOT_READY_BOUND_MS + " ms (5 s without heartbeat, twice when it must first suspect the master, + 2 s)",
                notReadyAt[0] - cutAt <= NOT_READY_BOUND_MS * 1_000_000L);
        report.claim("its /health/ready 503 reason names the quorum rule", '"' + reason[0] + '"',
                "mentions min-size, quorum or minority", reason[0] != null
                        && (reason[0].contains("min-size") || reason[0].contains("quorum") || reason[0].contains("minority")));
        report.claim("gw-1 and gw-2 stay ready with 2 members", Phases.millis(majorityAt[0] - cutAt) + " ms after the cut",
                "ready", majorityAt[0] > 0);
        report.claim("minority, fail-closed policy: requests refused", closedRefused + " of 5 answered 429", "5 of 5",
                closedRefused == 5);
        report.claim("minority, local policy (300/day, expected-size 3): admitted", localAdmitted + " of "
                + (LOCAL_SHARE + 30) + " (429: " + localRefused + ")", "<= " + LOCAL_SHARE + " and > 0",
                localAdmitted <= LOCAL_SHARE && localAdmitted > 0);
        report.claim("slowest minority answer", slowestFallback + " ms", "< 2000 ms (no hang)", slowestFallback < 2000);
        report.claim("PUT /admin/config on the majority during the partition", put.status() + ", version " + newVersion
                + (majorityServesAt[0] > 0 ? ", served by gw-1 and gw-2 " + Phases.millis(majorityServesAt[0] - putAt) + " ms later" : ""),
                "200, served by both", put.status() == 200 && majorityServesAt[0] > 0);
        report.claim("after healing: one cluster (size 3 everywhere)", mergedAt[0] < 0 ? "not within 90 s"
                : Phases.millis(mergedAt[0] - healAt) + " ms after healing", "within 90 s", mergedAt[0] > 0);
        report.claim("after healing: every node on the highest version, gw-3 ready and serving it",
                convergedAt[0] < 0 ? "not within 90 s" : Phases.millis(convergedAt[0] - healAt) + " ms after healing"
                        + " (gw-3 was on version " + minorityVersionDuring + " during the partition, " + before + " before)",
                "version " + newVersion, convergedAt[0] > 0);
        // the minority keeps answering (from its fallbacks) until HAProxy sees it not ready; what can fail is what
        // was in flight on its connections when HAProxy closed them (shutdown-sessions): at most one wave in flight
        report.claim("client errors and no-answers through HAProxy", Long.toString(failed), "<= " + load.maxInFlight()
                + " (the most requests in flight at once)", failed <= load.maxInFlight());
        report.failover("the cut", samples, cutAt, notReadyAt[0] + SETTLE_NANOS, load.now(), P99_BOUND_MS);
        if (failed > 0) {
            report.note("failures: " + Phases.describeFailures(samples, 10));
        }
        report.write(load, samples);
        report.assertAllHold();
    }
}
