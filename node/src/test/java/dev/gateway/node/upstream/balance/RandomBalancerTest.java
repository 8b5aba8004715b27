package dev.gateway.node.upstream.balance;

import static dev.gateway.node.upstream.balance.Fixtures.counts;
import static dev.gateway.node.upstream.balance.Fixtures.request;
import static dev.gateway.node.upstream.balance.Fixtures.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.upstream.UpstreamTarget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Weighted random. Over 40_000 picks a share's standard deviation is at most 0.25 points, so the
 * bounds of 1.5 points below are six deviations wide: they fail only when the weights are wrong.
 */
class RandomBalancerTest {
    private static final int PICKS = 40_000;
    private static final GatewayRequest ANY = request("10.0.0.1");

    @Test
    void weightsThreeToOneGiveThreeQuartersToTheHeavyTarget() {
        UpstreamTarget heavy = target(1, 3);
        UpstreamTarget light = target(2, 1);

        Map<UpstreamTarget, Long> counts = counts(new RandomBalancer(List.of(heavy, light)), PICKS, i -> ANY);

        assertThat(counts.get(heavy) / (double) PICKS).isCloseTo(0.75, within(0.015));
        assertThat(counts.get(light) / (double) PICKS).isCloseTo(0.25, within(0.015));
    }

    @Test
    void equalWeightsSpreadEvenly() {
        List<UpstreamTarget> targets = Fixtures.targets(4);

        Map<UpstreamTarget, Long> counts = counts(new RandomBalancer(targets), PICKS, i -> ANY);

        for (UpstreamTarget t : targets) {
            assertThat(counts.get(t) / (double) PICKS).as("%s", t).isCloseTo(0.25, within(0.015));
        }
    }

    @Test
    void aLightTargetAmongHeavyOnesStillGetsItsShare() {
        UpstreamTarget a = target(1, 10);
        UpstreamTarget b = target(2, 1);
        UpstreamTarget c = target(3, 9);

        Map<UpstreamTarget, Long> counts = counts(new RandomBalancer(List.of(a, b, c)), PICKS, i -> ANY);

        assertThat(counts.get(a) / (double) PICKS).isCloseTo(0.50, within(0.015));
        assertThat(counts.get(b) / (double) PICKS).isCloseTo(0.05, within(0.01));
        assertThat(counts.get(c) / (double) PICKS).isCloseTo(0.45, within(0.015));
    }

    @Test
    void aSingleTargetTakesEverything() {
        UpstreamTarget only = target(1, 5);

        assertThat(counts(new RandomBalancer(List.of(only)), 1000, i -> ANY)).containsOnlyKeys(only);
    }

    @Test
    void noTargetsIsRejected() {
        assertThatThrownBy(() -> new RandomBalancer(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targets");
    }
}
