package dev.gateway.chaos.docker;

import static dev.gateway.chaos.docker.FaultKit.CLIENTS;
import static dev.gateway.chaos.docker.FaultKit.RATE;

import dev.gateway.chaos.docker.ChaosLoad.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An asymmetric partition under load through HAProxy: iptables in A (a non-master) drops what A sends to B (the
 * other non-master); B's packets still reach A. TCP needs both directions, so neither can hold a connection to the
 * other, while both still reach the master C: a partial, non-transitive split. What Hazelcast 5.7 does here (found
 * by this scenario, twice the same): A and B each suspect the other ("does not have a connection to Member") and
 * keep trying to reconnect, but the master hears from both, so nobody is removed within the 20 s: the views stay
 * size 3 everywhere, every node stays ready and UP, and the calls between A and B (a quota check whose bucket lives
 * on the other) time out after 500 ms and fall back ({@code fail-closed}: 429, counted as served within 1 s). Should
 * a later Hazelcast resolve the partial disconnection by removing one of the pair, the claims still allow it: at
 * most one node out of HAProxy at a time, and what it had in flight. After the heal every node holds one members
 * view, one config version and one breaker view, ready and UP, the quota (spent before) having admitted nothing.
 * During the cut {@link AdminPressure} asks every node for {@code /admin/cluster} without pause: an admin read can
 * wait on the cluster (its config states for up to 5 s), and while it ran on the admin listener's two workers,
 * a probe that kept asking filled them and HAProxy's {@code /health/ready} check timed out, marking serving
 * nodes down; the claim "at most one node out of HAProxy at once" holds only if health has threads of its own.
 */
@Timeout(300)
class AsymmetricPartitionDockerTest extends DockerScenario {
    static final Duration CUT = Duration.ofSeconds(20);
    /** What the kill scenario allows: a node dropped by HAProxy at any moment costs what it had in flight. */
    static final long P99_BOUND_MS = 1_000;

    @Test
    void aOneWayDropBetweenTwoMembersEndsInOneConsistentClusterAfterTheHeal() {
        gateway = DockerGateway.spec("asym").shared(FaultKit.shared("v1")).start();
        ChaosReport report = new ChaosReport("asym", "9. asymmetric partition: A's packets to B dropped (iptables OUTPUT), then healed");
        FaultKit.openBreaker(gateway);
        ChaosLoad load = track(report, ChaosLoad.start(gateway.proxyPort(), CLIENTS, RATE, FaultKit.mix()));
        DockerNode master = gateway.node(gateway.master(gateway.node(1)));
        List<DockerNode> pair = gateway.nodes().stream().filter(n -> n != master).toList();
        DockerNode a = pair.get(0);
        DockerNode b = pair.get(1);

        FaultKit.awaitQuotaSpent(gateway, load);
        Phases.hold(Duration.ofSeconds(1));
        long cutAt = load.mark("iptables in " + a.name() + ": OUTPUT to " + b.name() + " dropped (master " + master.name() + ")");
        gateway.isolateOneWay(a, b);
        // admin reads that wait on the cluster must not starve /health/ready, which HAProxy polls
        AdminPressure pressure = AdminPressure.start(gateway.nodes());
        List<String> timeline = new ArrayList<>();
        int[] mostOutAtOnce = {0};
        int[] markDowns = {0};
        Map<String, String>[] lastHaproxy = new Map[] {gateway.haproxyStatus()};
        Phases.hold(CUT, Duration.ofMillis(250), () -> {
            Map<String, String> haproxy = gateway.haproxyStatus();
            for (Map.Entry<String, String> e : haproxy.entrySet()) {
                if (!e.getValue().startsWith("UP") && lastHaproxy[0].getOrDefault(e.getKey(), "UP").startsWith("UP")) {
                    markDowns[0]++;
                    load.mark("HAProxy: " + e.getKey() + " " + e.getValue());
                }
            }
            lastHaproxy[0] = haproxy;
            mostOutAtOnce[0] = Math.max(mostOutAtOnce[0], (int) haproxy.values().stream().filter(st -> !st.startsWith("UP")).count());
        });
        timeline.add("admin reads during the cut: " + pressure.stop());
        StringBuilder ready = new StringBuilder();
        for (DockerNode n : gateway.nodes()) {
            try {
                var r = n.ready();
                ready.append(n.name()).append(' ').append(r.status()).append(" in ").append(r.millis()).append(" ms; ");
            } catch (RuntimeException e) {
                ready.append(n.name()).append(" no answer (").append(e.getClass().getSimpleName()).append("); ");
            }
        }
        timeline.add("at the end of the cut: /health/ready " + ready + "HAProxy " + gateway.haproxyStatus());
        long healAt = load.mark("iptables rule removed");
        gateway.healOneWay(a, b);
        long[] convergedAt = {-1};
        Phases.until("one cluster of 3 again", Duration.ofSeconds(90), Duration.ofSeconds(1), () -> {
            if (FaultKit.converged(gateway, 0)) {
                convergedAt[0] = load.mark("one cluster of 3: one view, ready, UP");
                return true;
            }
            return false;
        });
        Phases.hold(Duration.ofSeconds(2));
        List<Sample> samples = load.stop();
        Map<String, String> finalViews = FaultKit.views(gateway);

        timeline.forEach(l -> System.out.println("[asym] " + l));
        report.claim("during the cut, nodes out of HAProxy at once", mostOutAtOnce[0] + " (mark-downs: " + markDowns[0] + ")",
                "<= 1 (a ready majority serves)", mostOutAtOnce[0] <= 1);
        report.claim("after the heal: one members view, one config version, one breaker view, all ready and UP",
                convergedAt[0] < 0 ? "not within 90 s" : Phases.millis(convergedAt[0] - healAt) + " ms after the heal: "
                        + finalViews.values().iterator().next(), "within 90 s", convergedAt[0] > 0);
        report.claim("the breaker opened before the cut", finalViews.values().iterator().next(), "open",
                finalViews.values().stream().allMatch(v -> v.contains("breaker open")));
        long failed = samples.stream().filter(Sample::failed).count();
        long failedAfterConverged = FaultKit.failedWithin(samples, convergedAt[0], Long.MAX_VALUE);
        report.claim("client errors and no-answers through HAProxy", Long.toString(failed), "<= " + load.maxInFlight()
                + " per mark-down (what a dropped node had in flight), " + (markDowns[0] + 1) + " x",
                failed <= load.maxInFlight() * (markDowns[0] + 1));
        report.claim("failed requests due after the convergence", Long.toString(failedAfterConverged), "0",
                convergedAt[0] > 0 && failedAfterConverged == 0);
        // nothing goes down: every second from the cut on is served (a quota check across the cut waits its 500 ms
        // timeout, then falls back)
        report.failover("the cut", samples, cutAt, cutAt, load.now(), P99_BOUND_MS);
        FaultKit.quotaClaims(report, samples, cutAt, 0, "no copy is lost: nobody leaves, or one member is removed and the others keep its copies");
        report.note(String.join(" | ", timeline));
        if (failed > 0) {
            report.note("failures: " + Phases.describeFailures(samples, 10));
        }
        report.write(load, samples);
        report.assertAllHold();
    }
}
