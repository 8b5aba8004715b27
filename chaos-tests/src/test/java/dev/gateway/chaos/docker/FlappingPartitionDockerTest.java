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
 * A flapping partition under load through HAProxy: gw-3 cut off from its peers (iptables) and healed again every
 * 2 s for 20 s. A 2 s cut is shorter than Hazelcast's 5 s without heartbeat, so as a rule no member is dropped (two
 * runs: none): what the cuts cost is the cluster calls in flight to gw-3 (answered from the fallback within their
 * 500 ms timeout). TCP backs off its retransmissions across a heal, so a cut can last longer in effect and gw-3 may
 * be dropped, turn not ready and leave HAProxy for a while; the claims allow that, never the others leaving: gw-1
 * and gw-2 always UP, no client error beyond what gw-3 had in flight at a mark-down, every second served, and once
 * the flapping stops one members view, one config version, one breaker view (still open), all ready and UP, the
 * quota (spent before) having admitted nothing more. Only HAProxy is polled during the flapping (see
 * {@link AsymmetricPartitionDockerTest} on probing a node's admin API during a cut).
 */
@Timeout(300)
class FlappingPartitionDockerTest extends DockerScenario {
    static final Duration FLAP_FOR = Duration.ofSeconds(20);
    static final long FLAP_EVERY_NANOS = 2_000_000_000L;
    /** A cluster call waits at most 500 ms before its fallback; a retransmitted packet a little more. */
    static final long P99_BOUND_MS = 1_000;

    @Test
    void cuttingAndHealingOneNodeEveryTwoSecondsCostsNoRequestAndLeavesOneCluster() {
        gateway = DockerGateway.spec("flap").shared(FaultKit.shared("v1")).start();
        ChaosReport report = new ChaosReport("flap", "10. flapping partition: gw-3 cut and healed every 2 s for 20 s");
        FaultKit.openBreaker(gateway);
        ChaosLoad load = track(report, ChaosLoad.start(gateway.proxyPort(), CLIENTS, RATE, FaultKit.mix()));
        DockerNode flapper = gateway.node(3);

        FaultKit.awaitQuotaSpent(gateway, load);
        Phases.hold(Duration.ofSeconds(1));
        long startAt = load.mark("flapping starts: gw-3 cut/healed every 2 s");
        boolean[] cut = {false};
        int[] toggles = {0};
        long[] lateToggle = {0};
        List<String> sizes = new ArrayList<>();
        int[] minSize = {3};
        int[] markDowns = {0};
        Phases.hold(FLAP_FOR, Duration.ofMillis(100), () -> {
            long due = startAt + toggles[0] * FLAP_EVERY_NANOS;
            if (load.now() >= due) {
                lateToggle[0] = Math.max(lateToggle[0], load.now() - due);
                cut[0] = !cut[0];
                gateway.setIsolated(flapper, cut[0]);
                toggles[0]++;
            }
            // HAProxy's view only: see AsymmetricPartitionDockerTest on probing the nodes' admin port during a cut
            Map<String, String> status = gateway.haproxyStatus();
            String line = status.toString();
            if (sizes.isEmpty() || !sizes.get(sizes.size() - 1).endsWith(line)) {
                sizes.add(String.format("t=+%.1f s %s", (load.now() - startAt) / 1e9, line));
                status.forEach((name, st) -> {
                    if (!st.startsWith("UP")) {
                        load.mark("HAProxy: " + name + " " + st);
                    }
                });
            }
            status.forEach((name, st) -> {
                if (!st.startsWith("UP") && !name.equals(flapper.name())) {
                    minSize[0] = 0; // another node out
                }
            });
            if (!status.get(flapper.name()).startsWith("UP")) {
                markDowns[0]++;
            }
        });
        if (cut[0]) {
            gateway.setIsolated(flapper, false);
            cut[0] = false;
            toggles[0]++;
        }
        long stopAt = load.mark("flapping stopped (" + toggles[0] + " toggles), gw-3 healed");
        long[] convergedAt = {-1};
        Phases.until("one cluster of 3", Duration.ofSeconds(60), Duration.ofSeconds(1), () -> {
            if (FaultKit.converged(gateway, 0)) {
                convergedAt[0] = load.mark("one cluster of 3: one view, ready, UP");
                return true;
            }
            return false;
        });
        Phases.hold(Duration.ofSeconds(2));
        List<Sample> samples = load.stop();
        Map<String, String> views = FaultKit.views(gateway);

        long failed = samples.stream().filter(Sample::failed).count();
        // a 2 s cut can outlast Hazelcast's 5 s without heartbeat (TCP backs off its retransmissions across the
        // heal): gw-3 may be dropped, turn not ready and leave HAProxy for a while, as in a partition; what it had in
        // flight at each mark-down may fail
        int flapperDowns = (int) sizes.stream().filter(l -> l.contains(flapper.name() + "=DOWN")).count();
        report.claim("client errors and no-answers over the scenario", Long.toString(failed), "<= " + load.maxInFlight()
                + " per mark-down of gw-3 (" + flapperDowns + ")", failed <= load.maxInFlight() * (long) flapperDowns);
        report.claim("HAProxy during the flapping: gw-1 and gw-2", minSize[0] == 0 ? "one was marked down" : "always UP",
                "always UP (only gw-3 is cut)", minSize[0] != 0);
        report.failover("the first cut", samples, startAt, startAt, load.now(), P99_BOUND_MS);
        report.claim("after the flapping: one members view, one config version, one breaker view, all ready and UP",
                convergedAt[0] < 0 ? "not within 60 s" : Phases.millis(convergedAt[0] - stopAt) + " ms after the last heal: "
                        + views.values().iterator().next(), "within 60 s", convergedAt[0] > 0);
        report.claim("the breaker opened before the flapping", views.values().iterator().next(), "open on every node",
                views.values().stream().allMatch(v -> v.contains("breaker open")));
        FaultKit.quotaClaims(report, samples, startAt, 0, "no member leaves, no copy is lost");
        report.note("HAProxy during the flapping (changes): " + String.join(" | ", sizes) + "; gw-3 not UP in "
                + markDowns[0] + " polls of 100 ms");
        report.note("toggles " + toggles[0] + ", the latest " + Phases.millis(lateToggle[0]) + " ms after its due time");
        if (failed > 0) {
            report.note("failures: " + Phases.describeFailures(samples, 10));
        }
        report.write(load, samples);
        report.assertAllHold();
    }
}
