package dev.gateway.node.upstream.balance;

import static dev.gateway.node.upstream.balance.Fixtures.counts;
import static dev.gateway.node.upstream.balance.Fixtures.request;
import static dev.gateway.node.upstream.balance.Fixtures.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.upstream.UpstreamTarget;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fewest in flight per unit of weight; ties in weighted turns. */
class LeastConnectionsTest {
    private static final GatewayRequest ANY = request("10.0.0.1");

    private final List<UpstreamTarget> three = Fixtures.targets(3);
    private final UpstreamTarget a = three.get(0);
    private final UpstreamTarget b = three.get(1);
    private final UpstreamTarget c = three.get(2);

    @Test
    void theIdleTargetTakesEverythingWhileTheOthersAreBusy() {
        InFlight inFlight = new InFlight(three);
        busy(inFlight, a, 1);
        busy(inFlight, c, 1);

        assertThat(counts(new LeastConnections(three, inFlight), 300, i -> ANY)).containsOnlyKeys(b);
    }

    @Test
    void theLeastLoadedTargetWins() {
        InFlight inFlight = new InFlight(three);
        busy(inFlight, a, 5);
        busy(inFlight, b, 3);
        busy(inFlight, c, 2);

        assertThat(counts(new LeastConnections(three, inFlight), 300, i -> ANY)).containsOnlyKeys(c);
    }

    @Test
    void loadIsMeasuredPerUnitOfWeight() {
        UpstreamTarget heavy = target(1, 3);
        UpstreamTarget light = target(2, 1);
        List<UpstreamTarget> targets = List.of(heavy, light);
        InFlight inFlight = new InFlight(targets);
        busy(inFlight, heavy, 5); // 5/3 < 2/1
        busy(inFlight, light, 2);

        assertThat(counts(new LeastConnections(targets, inFlight), 100, i -> ANY)).containsOnlyKeys(heavy);
    }

    @Test
    void requestsThatNeverFinishPileUpInProportionToWeight() {
        UpstreamTarget heavy = target(1, 3);
        UpstreamTarget light = target(2, 1);
        List<UpstreamTarget> targets = List.of(heavy, light);
        InFlight inFlight = new InFlight(targets);
        LeastConnections balancer = new LeastConnections(targets, inFlight);

        for (int i = 0; i < 40_000; i++) {
            inFlight.started(balancer.pick(ANY));
        }

        assertThat(inFlight.get(heavy)).isBetween(29_990, 30_010);
        assertThat(inFlight.get(light)).isBetween(9_990, 10_010);
    }

    @Test
    void anIdleGroupIsServedInWeightedTurns() {
        UpstreamTarget heavy = target(1, 3);
        UpstreamTarget light = target(2, 1);
        List<UpstreamTarget> targets = List.of(heavy, light);

        Map<UpstreamTarget, Long> counts = counts(new LeastConnections(targets, new InFlight(targets)), 40_000,
                i -> ANY);

        assertThat(counts).containsEntry(heavy, 30_000L).containsEntry(light, 10_000L);
    }

    @Test
    void tiedIdleTargetsTakeStrictTurns() {
        LeastConnections balancer = new LeastConnections(three, new InFlight(three));

        for (int round = 0; round < 100; round++) {
            assertThat(List.of(balancer.pick(ANY), balancer.pick(ANY), balancer.pick(ANY)))
                    .as("round %d", round).containsExactly(a, b, c);
        }
    }

    @Test
    void tiedBusyTargetsShareInsteadOfTheFirstTakingAll() {
        InFlight inFlight = new InFlight(three);
        busy(inFlight, a, 2);
        busy(inFlight, b, 2);
        busy(inFlight, c, 5);

        Map<UpstreamTarget, Long> counts = counts(new LeastConnections(three, inFlight), 3_000, i -> ANY);

        assertThat(counts).doesNotContainKey(c);
        assertThat(counts.get(a)).isGreaterThanOrEqualTo(750L);
        assertThat(counts.get(b)).isGreaterThanOrEqualTo(750L);
    }

    @Test
    void underSteadyLoadEqualTargetsGetEqualShares() {
        InFlight inFlight = new InFlight(three);
        LeastConnections balancer = new LeastConnections(three, inFlight);
        ArrayDeque<UpstreamTarget> running = new ArrayDeque<>();

        Map<UpstreamTarget, Long> counts = counts(request -> {
            if (running.size() == 10) {
                inFlight.finished(running.poll());
            }
            UpstreamTarget t = balancer.pick(request);
            inFlight.started(t);
            running.add(t);
            return t;
        }, 30_000, i -> ANY);

        for (UpstreamTarget t : three) {
            assertThat(counts.get(t)).as("%s", t).isBetween(9_700L, 10_300L);
        }
    }

    @Test
    void inFlightMustBelongToTheSameTargets() {
        InFlight other = new InFlight(Fixtures.targets(3));

        assertThatThrownBy(() -> new LeastConnections(three, other))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inFlight");
        assertThatThrownBy(() -> new LeastConnections(three.subList(0, 2), new InFlight(three)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inFlight");
    }

    private static void busy(InFlight inFlight, UpstreamTarget target, int requests) {
        for (int i = 0; i < requests; i++) {
            inFlight.started(target);
        }
    }
}
