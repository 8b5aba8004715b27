package dev.gateway.limiter.breaker;

import static dev.gateway.limiter.breaker.BreakerState.CLOSED;
import static dev.gateway.limiter.breaker.BreakerState.HALF_OPEN;
import static dev.gateway.limiter.breaker.BreakerState.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BreakerPolicyTest {
    private static final long T0 = 1_700_000_040_000L;
    private static final long OPEN_FOR = 30_000;

    private final BreakerPolicy policy = new BreakerPolicy(
            new BreakerSpec(50, 10, Duration.ofSeconds(10), Duration.ofMillis(OPEN_FOR), 2, Duration.ofSeconds(1)));

    @Test
    void startsClosedAtGenerationZero() {
        assertThat(BreakerPolicy.closed(T0)).isEqualTo(new BreakerSnapshot(CLOSED, T0, 0, 0, 0, 0));
    }

    @Test
    void tripsOnlyWithMinimumCallsAndTheRateAtOrAboveTheThreshold() {
        BreakerSnapshot closed = BreakerPolicy.closed(T0);
        assertThat(policy.onEvidence(closed, new Evidence(9, 9), T0 + 1)).as("minimum calls not reached").isSameAs(closed);
        assertThat(policy.onEvidence(closed, new Evidence(10, 4), T0 + 1)).as("40% < 50%").isSameAs(closed);
        assertThat(policy.onEvidence(closed, new Evidence(10, 5), T0 + 1)).as("exactly 50%")
                .isEqualTo(new BreakerSnapshot(OPEN, T0 + 1, T0 + 1 + OPEN_FOR, 0, 0, 1));
        assertThat(policy.onEvidence(closed, new Evidence(1_000, 999), T0 + 1).state()).isEqualTo(OPEN);
    }

    @Test
    void consecutiveFailuresTripWhateverTheWindowsRate() {
        BreakerPolicy withRun = new BreakerPolicy(new BreakerSpec(50, 10, Duration.ofSeconds(10),
                Duration.ofMillis(OPEN_FOR), 2, null, 5));
        BreakerSnapshot closed = BreakerPolicy.closed(T0);
        assertThat(withRun.onEvidence(closed, new Evidence(100, 4, 4), T0 + 1)).as("4 in a row of 5").isSameAs(closed);
        assertThat(withRun.onEvidence(closed, new Evidence(100, 5, 5), T0 + 1).state())
                .as("5 in a row after 95 successes: 5% of the window").isEqualTo(OPEN);
        assertThat(policy.onEvidence(closed, new Evidence(100, 5, 5), T0 + 1)).as("no such rule").isSameAs(closed);
    }

    @Test
    void anOddThresholdIsReachedExactly() {
        BreakerPolicy third = new BreakerPolicy(
                new BreakerSpec(100.0 / 3, 3, Duration.ofSeconds(10), Duration.ofSeconds(1), 1, null));
        assertThat(third.trips(new Evidence(3, 1))).isTrue();
        assertThat(third.trips(new Evidence(300, 99))).isFalse();
        BreakerPolicy hundred = new BreakerPolicy(
                new BreakerSpec(100, 1, Duration.ofSeconds(10), Duration.ofSeconds(1), 1, null));
        assertThat(hundred.trips(new Evidence(5, 5))).isTrue();
        assertThat(hundred.trips(new Evidence(5, 4))).isFalse();
    }

    @Test
    void evidenceMeansNothingUnlessClosed() {
        BreakerSnapshot open = new BreakerSnapshot(OPEN, T0, T0 + OPEN_FOR, 0, 0, 1);
        BreakerSnapshot halfOpen = new BreakerSnapshot(HALF_OPEN, T0, T0, 0, 0, 2);
        assertThat(policy.onEvidence(open, new Evidence(100, 100), T0 + 1)).isSameAs(open);
        assertThat(policy.onEvidence(halfOpen, new Evidence(100, 100), T0 + 1)).isSameAs(halfOpen);
    }

    @Test
    void slowCallsCountAsFailures() {
        assertThat(policy.countsAsFailure(true, 0)).isTrue();
        assertThat(policy.countsAsFailure(false, 1_000_000_000L)).as("exactly slowCall is not slower").isFalse();
        assertThat(policy.countsAsFailure(false, 1_000_000_001L)).isTrue();
        BreakerPolicy noSlowRule = new BreakerPolicy(
                new BreakerSpec(50, 10, Duration.ofSeconds(10), Duration.ofSeconds(1), 1, null));
        assertThat(noSlowRule.countsAsFailure(false, Long.MAX_VALUE)).isFalse();
    }

    @Test
    void theOpenPeriodEndsInHalfOpen() {
        BreakerSnapshot open = policy.onEvidence(BreakerPolicy.closed(T0), new Evidence(10, 10), T0);
        assertThat(policy.onTime(open, T0 + OPEN_FOR - 1)).isSameAs(open);
        assertThat(policy.retryAfterMillis(open, T0)).isEqualTo(OPEN_FOR);
        assertThat(policy.retryAfterMillis(open, T0 + OPEN_FOR - 1)).isEqualTo(1);
        assertThat(policy.retryAfterMillis(open, T0 + OPEN_FOR + 5)).isZero();
        BreakerSnapshot halfOpen = policy.onTime(open, T0 + OPEN_FOR + 5);
        assertThat(halfOpen).isEqualTo(new BreakerSnapshot(HALF_OPEN, T0 + OPEN_FOR + 5, T0 + OPEN_FOR + 5, 0, 0, 2));
        assertThat(policy.retryAfterMillis(halfOpen, T0 + OPEN_FOR + 5)).isZero();
        assertThat(policy.onTime(halfOpen, T0 + 10 * OPEN_FOR)).as("no probe outstanding: nothing to expire")
                .isSameAs(halfOpen);
        BreakerSnapshot closed = BreakerPolicy.closed(T0);
        assertThat(policy.onTime(closed, T0 + 10 * OPEN_FOR)).isSameAs(closed);
        assertThat(policy.retryAfterMillis(closed, T0)).isZero();
    }

    @Test
    void grantsExactlyHalfOpenProbes() {
        BreakerSnapshot open = new BreakerSnapshot(OPEN, T0, T0 + OPEN_FOR, 0, 0, 1);
        ProbeGrant early = policy.tryGrantProbe(open, T0 + OPEN_FOR - 1);
        assertThat(early.granted()).isFalse();
        assertThat(early.snapshot()).isSameAs(open);

        long t = T0 + OPEN_FOR;
        ProbeGrant first = policy.tryGrantProbe(open, t);
        assertThat(first.granted()).as("moves to HALF_OPEN by itself, then grants").isTrue();
        assertThat(first.snapshot()).isEqualTo(new BreakerSnapshot(HALF_OPEN, t, t + OPEN_FOR, 1, 0, 2));
        ProbeGrant second = policy.tryGrantProbe(first.snapshot(), t + 10);
        assertThat(second.granted()).isTrue();
        assertThat(second.snapshot()).isEqualTo(new BreakerSnapshot(HALF_OPEN, t, t + 10 + OPEN_FOR, 2, 0, 2));
        ProbeGrant third = policy.tryGrantProbe(second.snapshot(), t + 20);
        assertThat(third.granted()).isFalse();
        assertThat(third.snapshot()).isSameAs(second.snapshot());
        assertThat(policy.tryGrantProbe(BreakerPolicy.closed(T0), T0).granted()).as("closed: no probes").isFalse();
    }

    @Test
    void aFailedProbeReopensForAFreshOpenPeriod() {
        BreakerSnapshot probing = new BreakerSnapshot(HALF_OPEN, T0, T0 + OPEN_FOR, 2, 1, 2);
        BreakerSnapshot reopened = policy.onProbeResult(probing, false, T0 + 700);
        assertThat(reopened).isEqualTo(new BreakerSnapshot(OPEN, T0 + 700, T0 + 700 + OPEN_FOR, 0, 0, 3));
    }

    @Test
    void closesOnceEveryProbeSucceeded() {
        BreakerSnapshot probing = new BreakerSnapshot(HALF_OPEN, T0, T0 + OPEN_FOR, 2, 0, 2);
        BreakerSnapshot one = policy.onProbeResult(probing, true, T0 + 1);
        assertThat(one).isEqualTo(new BreakerSnapshot(HALF_OPEN, T0, T0 + OPEN_FOR, 2, 1, 2));
        assertThat(policy.onProbeResult(one, true, T0 + 2)).isEqualTo(new BreakerSnapshot(CLOSED, T0 + 2, 0, 0, 0, 3));
    }

    @Test
    void aSuccessWithoutAnOutstandingGrantCountsForNothing() {
        BreakerSnapshot noneOut = new BreakerSnapshot(HALF_OPEN, T0, T0, 0, 0, 2);
        assertThat(policy.onProbeResult(noneOut, true, T0 + 1)).isSameAs(noneOut);
        BreakerSnapshot closed = BreakerPolicy.closed(T0);
        assertThat(policy.onProbeResult(closed, false, T0 + 1)).as("stale probe result").isSameAs(closed);
        BreakerSnapshot open = new BreakerSnapshot(OPEN, T0, T0 + OPEN_FOR, 0, 0, 1);
        assertThat(policy.onProbeResult(open, true, T0 + 1)).isSameAs(open);
    }

    @Test
    void expiredLeasesReleaseTheirSlots() {
        BreakerSnapshot full = new BreakerSnapshot(HALF_OPEN, T0, T0 + OPEN_FOR, 2, 1, 2);
        assertThat(policy.onTime(full, T0 + OPEN_FOR - 1)).isSameAs(full);
        assertThat(policy.tryGrantProbe(full, T0 + OPEN_FOR - 1).granted()).isFalse();
        BreakerSnapshot released = policy.onTime(full, T0 + OPEN_FOR);
        assertThat(released).as("same state and generation; the success so far is kept")
                .isEqualTo(new BreakerSnapshot(HALF_OPEN, T0, T0 + OPEN_FOR, 1, 1, 2));
        ProbeGrant regrant = policy.tryGrantProbe(full, T0 + OPEN_FOR);
        assertThat(regrant.granted()).isTrue();
        assertThat(regrant.snapshot()).isEqualTo(new BreakerSnapshot(HALF_OPEN, T0, T0 + 2 * OPEN_FOR, 2, 1, 2));
    }

    @Test
    void forceCloseClosesFromAnyState() {
        BreakerSnapshot open = new BreakerSnapshot(OPEN, T0, T0 + OPEN_FOR, 0, 0, 1);
        BreakerSnapshot halfOpen = new BreakerSnapshot(HALF_OPEN, T0, T0 + OPEN_FOR, 1, 0, 2);
        assertThat(policy.onForceClose(open, T0 + 5)).isEqualTo(new BreakerSnapshot(CLOSED, T0 + 5, 0, 0, 0, 2));
        assertThat(policy.onForceClose(halfOpen, T0 + 5)).isEqualTo(new BreakerSnapshot(CLOSED, T0 + 5, 0, 0, 0, 3));
        BreakerSnapshot closed = BreakerPolicy.closed(T0);
        assertThat(policy.onForceClose(closed, T0 + 5)).isSameAs(closed);
    }

    @Test
    void anAbsurdOpenPeriodSaturatesInsteadOfOverflowing() {
        BreakerPolicy forever = new BreakerPolicy(
                new BreakerSpec(50, 1, Duration.ofSeconds(10), Duration.ofDays(365L * 1_000_000), 1, null));
        BreakerSnapshot open = forever.onEvidence(BreakerPolicy.closed(Long.MAX_VALUE - 10), new Evidence(1, 1),
                Long.MAX_VALUE - 10);
        assertThat(open.openUntilMillis()).isEqualTo(Long.MAX_VALUE);
    }
}
