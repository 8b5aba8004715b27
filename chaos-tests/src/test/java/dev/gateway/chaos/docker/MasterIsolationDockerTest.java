package dev.gateway.chaos.docker;

import static dev.gateway.chaos.docker.FaultKit.CLIENTS;
import static dev.gateway.chaos.docker.FaultKit.RATE;

import dev.gateway.chaos.docker.ChaosLoad.Sample;
import dev.gateway.chaos.support.Http;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Hazelcast master (the oldest member, first in every member's list) cut off from the other two by iptables,
 * under load through HAProxy. The other two elect a new master among themselves (both list the same one, not the
 * old), stay ready and keep serving, and can publish a config; the isolated master is alone, below
 * {@code min-size}, not ready, and HAProxy drops it. After the heal: one cluster of three with one members view, on
 * the config published during the cut, one breaker view (still open), the quota (spent before) admitting nothing.
 */
@Timeout(300)
class MasterIsolationDockerTest extends DockerScenario {
    /** 5 s without heartbeat; the side without the master first suspects it, then agrees on the next oldest. */
    static final long NOT_READY_BOUND_MS = 12_000;
    static final long NEW_MASTER_BOUND_MS = 12_000;
    /** From the old master's not-ready: two checks (1 s) and the 2 s until full throughput. */
    static final long SETTLE_NANOS = 3_000_000_000L;
    /** Nothing stalls: the isolated node answers from its fallbacks until HAProxy drops it. */
    static final long P99_BOUND_MS = 1_000;

    @Test
    void theOthersElectANewMasterAndServeWhileTheIsolatedOldMasterIsNotReadyAndTheHealConverges() {
        gateway = DockerGateway.spec("master").shared(FaultKit.shared("v1")).start();
        ChaosReport report = new ChaosReport("master", "8. the Hazelcast master isolated (iptables), then healed");
        FaultKit.openBreaker(gateway);
        ChaosLoad load = track(report, ChaosLoad.start(gateway.proxyPort(), CLIENTS, RATE, FaultKit.mix()));
        List<String> viewsBefore = gateway.nodes().stream().map(n -> gateway.master(n)).distinct().toList();
        DockerNode master = gateway.node(viewsBefore.get(0));
        List<DockerNode> others = gateway.nodes().stream().filter(n -> n != master).toList();
        String breakerBefore = FaultKit.breakerView(master);

        FaultKit.awaitQuotaSpent(gateway, load);
        Phases.hold(Duration.ofSeconds(1));
        long cutAt = load.mark("iptables: master " + master.name() + " cut off");
        gateway.isolate(master);
        long[] notReadyAt = {-1};
        long[] newMasterAt = {-1};
        String[] reason = {null};
        String[] newMaster = {null};
        Phases.until("old master not ready, the others on a new master", Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
            if (notReadyAt[0] < 0) {
                Http.Reply r = master.ready();
                if (r.status() == 503) {
                    reason[0] = r.json().path("reason").asText();
                    notReadyAt[0] = load.mark(master.name() + " not ready: " + reason[0]);
                }
            }
            if (newMasterAt[0] < 0) {
                List<List<String>> views = others.stream().map(DockerNode::members).toList();
                if (views.stream().allMatch(v -> v.size() == 2 && !v.contains(master.name()) && v.equals(views.get(0)))
                        && others.stream().allMatch(DockerNode::isReady)) {
                    newMaster[0] = views.get(0).get(0);
                    newMasterAt[0] = load.mark("the others: 2 members, master " + newMaster[0] + ", ready");
                }
            }
            return notReadyAt[0] >= 0 && newMasterAt[0] >= 0;
        });
        long[] downAt = {-1};
        Phases.until("HAProxy marks " + master.name() + " down", Duration.ofSeconds(10), Duration.ofMillis(50), () -> {
            if (gateway.haproxyMarkedDown(master)) {
                downAt[0] = load.mark("HAProxy: " + master.name() + " down");
                return true;
            }
            return false;
        });
        long putAt = load.mark("PUT /admin/config (X-Config: v2) on " + others.get(0).name());
        Http.Reply put = others.get(0).admin("PUT", "/admin/config", FaultKit.shared("v2"));
        long newVersion = put.status() == 200 ? put.json().path("version").asLong() : -1;
        long[] publishedAt = {-1};
        if (newVersion > 0) {
            Phases.until("the others on version " + newVersion, Duration.ofSeconds(20), Duration.ofMillis(100), () -> {
                if (others.stream().allMatch(n -> n.configVersion() == newVersion)) {
                    publishedAt[0] = load.mark("the others on version " + newVersion);
                    return true;
                }
                return false;
            });
        }
        long isolatedVersion = master.configVersion();
        Phases.hold(Duration.ofSeconds(3));

        long healAt = load.mark("iptables rules removed");
        gateway.heal(master);
        long[] convergedAt = {-1};
        Phases.until("one cluster of 3 on version " + newVersion, Duration.ofSeconds(90), Duration.ofMillis(250), () -> {
            if (FaultKit.converged(gateway, newVersion)) {
                convergedAt[0] = load.mark("one cluster of 3 on version " + newVersion + ", ready, UP");
                return true;
            }
            return false;
        });
        Phases.hold(Duration.ofSeconds(2));
        List<Sample> samples = load.stop();
        String masterAfter = gateway.master(gateway.node(1));
        String breakerAfter = FaultKit.breakerView(gateway.node(1));
        long servedV2After = samples.stream().filter(s -> s.startNanos() > convergedAt[0] && "v2".equals(s.configTag())).count();
        long plainAfter = samples.stream().filter(s -> s.startNanos() > convergedAt[0] && s.target() == FaultKit.MAIN).count();

        report.claim("before the cut, every node names the same master", viewsBefore.toString(), "one name",
                viewsBefore.size() == 1);
        report.claim("the other two elect a new master and stay ready", newMasterAt[0] < 0 ? "not within 30 s"
                : "master " + newMaster[0] + " on both, " + Phases.millis(newMasterAt[0] - cutAt) + " ms after the cut",
                "not " + master.name() + ", within " + NEW_MASTER_BOUND_MS + " ms", newMasterAt[0] > 0
                        && !master.name().equals(newMaster[0]) && newMasterAt[0] - cutAt <= NEW_MASTER_BOUND_MS * 1_000_000L);
        report.claim("the isolated old master is not ready", notReadyAt[0] < 0 ? "not within 30 s"
                : Phases.millis(notReadyAt[0] - cutAt) + " ms after the cut, reason \"" + reason[0] + "\"",
                "<= " + NOT_READY_BOUND_MS + " ms, reason names min-size or quorum", notReadyAt[0] > 0
                        && notReadyAt[0] - cutAt <= NOT_READY_BOUND_MS * 1_000_000L && reason[0] != null
                        && (reason[0].contains("min-size") || reason[0].contains("quorum")));
        report.claim("HAProxy marks it down", Phases.millis(downAt[0] - notReadyAt[0]) + " ms after its not-ready",
                "<= " + KillTwoDockerTest.SURVIVOR_DOWN_BOUND_MS + " ms (two checks)", downAt[0] > 0
                        && downAt[0] - notReadyAt[0] <= KillTwoDockerTest.SURVIVOR_DOWN_BOUND_MS * 1_000_000L);
        report.claim("config published on the new master's side during the cut", put.status() + ", version " + newVersion
                + (publishedAt[0] > 0 ? ", on both " + Phases.millis(publishedAt[0] - putAt) + " ms later" : "")
                + " (the isolated node stayed on " + isolatedVersion + ")", "200, on both", put.status() == 200
                && publishedAt[0] > 0);
        report.claim("after the heal: one cluster of 3 (one members view, master " + masterAfter + "), all on version "
                + newVersion + ", one breaker view, ready, UP", convergedAt[0] < 0 ? "not within 90 s"
                : Phases.millis(convergedAt[0] - healAt) + " ms after the heal", "within 90 s", convergedAt[0] > 0);
        report.claim("answers after that carry the new config", servedV2After + " of " + plainAfter, "all",
                plainAfter > 0 && servedV2After == plainAfter);
        report.claim("the breaker opened before the cut", breakerAfter + " after the heal (before: " + breakerBefore + ")",
                "open", breakerAfter.startsWith("open"));
        long failed = samples.stream().filter(Sample::failed).count();
        // the isolated node answers (from its fallbacks) until HAProxy drops it; what can fail is what was in flight
        // on its connections when HAProxy closed them (shutdown-sessions)
        report.claim("client errors and no-answers through HAProxy", Long.toString(failed), "<= " + load.maxInFlight()
                + " (the most requests in flight at once)", failed <= load.maxInFlight());
        report.failover("the cut", samples, cutAt, notReadyAt[0] + SETTLE_NANOS, load.now(), P99_BOUND_MS);
        FaultKit.quotaClaims(report, samples, cutAt, 0, "no copy is lost in a partition and the majority's wins at the heal");
        if (failed > 0) {
            report.note("failures: " + Phases.describeFailures(samples, 10));
        }
        report.write(load, samples);
        report.assertAllHold();
    }
}
