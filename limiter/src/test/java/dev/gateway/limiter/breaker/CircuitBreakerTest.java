package dev.gateway.limiter.breaker;

import static dev.gateway.limiter.breaker.BreakerState.CLOSED;
import static dev.gateway.limiter.breaker.BreakerState.HALF_OPEN;
import static dev.gateway.limiter.breaker.BreakerState.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.limiter.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private static final long T0 = ManualTicker.START_MILLIS;
    private static final long SLOW_NANOS = Duration.ofSeconds(1).toNanos();

    /** 50% of at least 10 calls over 10 s trips; open 30 s; 2 probes; calls over 1 s are failures. */
    private static final BreakerSpec SPEC =
            new BreakerSpec(50, 10, Duration.ofSeconds(10), Duration.ofSeconds(30), 2, Duration.ofSeconds(1));

    private final ManualTicker ticker = new ManualTicker();
    private final RecordingListener listener = new RecordingListener();

    private CircuitBreaker breaker(BreakerSpec spec) {
        return new CircuitBreaker(spec, ticker, listener);
    }

    private static void calls(CircuitBreaker breaker, int n, boolean failure) {
        for (int i = 0; i < n; i++) {
            Permit permit = breaker.tryAcquire();
            assertThat(permit.allowed()).isTrue();
            breaker.onComplete(permit, failure, 1_000);
        }
    }

    /** Trips a SPEC breaker at the current time. */
    private static void trip(CircuitBreaker breaker) {
        calls(breaker, 10, true);
        assertThat(breaker.state()).isEqualTo(OPEN);
    }

    @Test
    void closedAdmitsEveryCallWithOneSharedPermit() {
        CircuitBreaker breaker = breaker(SPEC);
        Permit first = breaker.tryAcquire();
        assertThat(first).isEqualTo(Permit.admitted(0));
        assertThat(breaker.tryAcquire()).isSameAs(first);
        assertThat(breaker.snapshot()).isEqualTo(BreakerPolicy.closed(T0));
        assertThat(breaker.spec()).isSameAs(SPEC);
    }

    @Test
    void doesNotTripBeforeMinimumCalls() {
        CircuitBreaker breaker = breaker(SPEC);
        calls(breaker, 9, true);
        assertThat(breaker.state()).isEqualTo(CLOSED);
        assertThat(breaker.evidence()).isEqualTo(new Evidence(9, 9, 9));
        assertThat(listener.transitions()).isEmpty();
    }

    @Test
    void tripsAtExactlyTheThreshold() {
        CircuitBreaker breaker = breaker(SPEC);
        calls(breaker, 5, false);
        calls(breaker, 4, true);
        assertThat(breaker.state()).isEqualTo(CLOSED);
        ticker.advanceMillis(300);
        calls(breaker, 1, true);
        assertThat(breaker.state()).as("5 of 10 = 50%").isEqualTo(OPEN);
        assertThat(breaker.snapshot()).isEqualTo(new BreakerSnapshot(OPEN, T0 + 300, T0 + 300 + 30_000, 0, 0, 1));
        assertThat(listener.transitions()).containsExactly("CLOSED->OPEN@" + (T0 + 300));
    }

    @Test
    void aSuccessThatCompletesTheMinimumTripsToo() {
        CircuitBreaker breaker = breaker(SPEC);
        calls(breaker, 9, true);
        calls(breaker, 1, false);
        assertThat(breaker.state()).as("9 of 10 failed").isEqualTo(OPEN);
    }

    @Test
    void staysClosedBelowTheThreshold() {
        CircuitBreaker breaker = breaker(SPEC);
        calls(breaker, 6, false);
        calls(breaker, 4, true);
        assertThat(breaker.state()).isEqualTo(CLOSED);
    }

    @Test
    void failuresOutsideTheWindowDoNotCount() {
        CircuitBreaker breaker = breaker(SPEC);
        calls(breaker, 9, true);
        ticker.advance(Duration.ofSeconds(10));
        calls(breaker, 1, true);
        assertThat(breaker.state()).isEqualTo(CLOSED);
        assertThat(breaker.evidence()).isEqualTo(new Evidence(1, 1, 1));
    }

    @Test
    void slowCallsCountAsFailures() {
        CircuitBreaker breaker = breaker(SPEC);
        for (int i = 0; i < 4; i++) {
            breaker.onComplete(breaker.tryAcquire(), false, SLOW_NANOS + 1);
        }
        for (int i = 0; i < 5; i++) {
            breaker.onComplete(breaker.tryAcquire(), false, SLOW_NANOS);
        }
        assertThat(breaker.evidence()).as("exactly slowCall is not slower").isEqualTo(new Evidence(9, 4));
        breaker.onComplete(breaker.tryAcquire(), false, Duration.ofMinutes(1).toNanos());
        assertThat(breaker.state()).isEqualTo(OPEN);
    }

    @Test
    void withoutASlowCallRuleDurationDoesNotMatter() {
        CircuitBreaker breaker = breaker(new BreakerSpec(50, 1, Duration.ofSeconds(10), Duration.ofSeconds(30), 1));
        breaker.onComplete(breaker.tryAcquire(), false, Long.MAX_VALUE);
        assertThat(breaker.evidence()).isEqualTo(new Evidence(1, 0));
        assertThat(breaker.state()).isEqualTo(CLOSED);
    }

    @Test
    void openRejectsWithTheTimeLeft() {
        CircuitBreaker breaker = breaker(SPEC);
        trip(breaker);
        assertThat(breaker.tryAcquire()).isEqualTo(Permit.rejected(30_000, 1));
        ticker.advanceMillis(12_345);
        assertThat(breaker.tryAcquire().retryAfterMillis()).isEqualTo(17_655);
        ticker.advanceMillis(17_654);
        Permit last = breaker.tryAcquire();
        assertThat(last.allowed()).isFalse();
        assertThat(last.retryAfterMillis()).isEqualTo(1);
        assertThat(breaker.state()).isEqualTo(OPEN);
    }

    @Test
    void admitsExactlyHalfOpenProbesOnceTheOpenPeriodIsOver() {
        CircuitBreaker breaker = breaker(SPEC);
        trip(breaker);
        ticker.advance(Duration.ofSeconds(30));
        long t = ticker.epochMillis();
        Permit first = breaker.tryAcquire();
        assertThat(first).isEqualTo(Permit.probe(2, t + 30_000));
        assertThat(breaker.state()).isEqualTo(HALF_OPEN);
        Permit second = breaker.tryAcquire();
        assertThat(second.allowed()).isTrue();
        assertThat(second.probe()).isTrue();
        for (int i = 0; i < 5; i++) {
            Permit refused = breaker.tryAcquire();
            assertThat(refused).isEqualTo(Permit.rejected(0, 2));
        }
        assertThat(breaker.snapshot()).isEqualTo(new BreakerSnapshot(HALF_OPEN, t, t + 30_000, 2, 0, 2));
        assertThat(listener.moves()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN");
    }

    @Test
    void timeAloneMovesAnOpenBreakerToHalfOpenWhenLookedAt() {
        CircuitBreaker breaker = breaker(SPEC);
        trip(breaker);
        ticker.advance(Duration.ofSeconds(30));
        assertThat(breaker.state()).isEqualTo(HALF_OPEN);
        assertThat(listener.transitions()).containsExactly("CLOSED->OPEN@" + T0, "OPEN->HALF_OPEN@" + (T0 + 30_000));
    }

    @Test
    void aFailedProbeReopensForAFreshOpenPeriod() {
        CircuitBreaker breaker = breaker(SPEC);
        trip(breaker);
        ticker.advance(Duration.ofSeconds(30));
        Permit first = breaker.tryAcquire();
        Permit second = breaker.tryAcquire();
        breaker.onComplete(first, false, 1_000);
        ticker.advanceMillis(500);
        breaker.onComplete(second, true, 1_000);
        assertThat(breaker.state()).isEqualTo(OPEN);
        long reopenedAt = T0 + 30_500;
        assertThat(breaker.snapshot()).isEqualTo(new BreakerSnapshot(OPEN, reopenedAt, reopenedAt + 30_000, 0, 0, 3));
        assertThat(breaker.tryAcquire().retryAfterMillis()).isEqualTo(30_000);
        ticker.advanceMillis(29_999);
        assertThat(breaker.tryAcquire().allowed()).isFalse();
        ticker.advanceMillis(1);
        assertThat(breaker.tryAcquire().probe()).isTrue();
        assertThat(listener.moves())
                .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN", "OPEN->HALF_OPEN");
    }

    @Test
    void aSlowProbeIsAFailedProbe() {
        CircuitBreaker breaker = breaker(SPEC);
        trip(breaker);
        ticker.advance(Duration.ofSeconds(30));
        breaker.onComplete(breaker.tryAcquire(), false, SLOW_NANOS + 1);
        assertThat(breaker.state()).isEqualTo(OPEN);
    }

    @Test
    void closesWithAnEmptyWindowOnceEveryProbeSucceeded() {
        // a window longer than the open period, so the trip's evidence is still in it when the probes succeed
        BreakerSpec spec = new BreakerSpec(50, 10, Duration.ofMinutes(1), Duration.ofSeconds(5), 2, null);
        CircuitBreaker breaker = breaker(spec);
        trip(breaker);
        ticker.advance(Duration.ofSeconds(5));
        Permit first = breaker.tryAcquire();
        Permit second = breaker.tryAcquire();
        assertThat(breaker.evidence()).as("kept while open").isEqualTo(new Evidence(10, 10, 10));
        breaker.onComplete(first, false, 1_000);
        assertThat(breaker.state()).as("one of two probes").isEqualTo(HALF_OPEN);
        breaker.onComplete(second, false, 1_000);
        assertThat(breaker.state()).isEqualTo(CLOSED);
        assertThat(breaker.evidence()).isEqualTo(Evidence.NONE);
        assertThat(breaker.snapshot()).isEqualTo(new BreakerSnapshot(CLOSED, T0 + 5_000, 0, 0, 0, 3));
        assertThat(breaker.tryAcquire()).isEqualTo(Permit.admitted(3));
        calls(breaker, 9, true);
        assertThat(breaker.state()).as("the minimum counts afresh").isEqualTo(CLOSED);
        assertThat(listener.moves()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    }

    @Test
    void anExpiredProbeLeaseLetsAnotherProbeGo() {
        BreakerSpec spec = new BreakerSpec(50, 10, Duration.ofSeconds(10), Duration.ofSeconds(30), 1, null);
        CircuitBreaker breaker = breaker(spec);
        trip(breaker);
        ticker.advance(Duration.ofSeconds(30));
        Permit lost = breaker.tryAcquire();
        assertThat(lost.probe()).isTrue();
        assertThat(lost.leaseUntilMillis()).isEqualTo(T0 + 60_000);

        ticker.advanceMillis(29_999);
        assertThat(breaker.tryAcquire().allowed()).as("the lease still holds the only slot").isFalse();
        ticker.advanceMillis(1);
        Permit next = breaker.tryAcquire();
        assertThat(next.probe()).as("the lease expired: a new probe may go").isTrue();
        assertThat(next.leaseUntilMillis()).isEqualTo(T0 + 90_000);
        assertThat(breaker.tryAcquire().allowed()).isFalse();

        breaker.onComplete(lost, true, 1_000);
        breaker.onComplete(lost, false, 1_000);
        assertThat(breaker.snapshot()).as("the expired probe's results are dropped, either way")
                .isEqualTo(new BreakerSnapshot(HALF_OPEN, T0 + 30_000, T0 + 90_000, 1, 0, 2));

        breaker.onComplete(next, true, 1_000);
        assertThat(breaker.state()).isEqualTo(OPEN);
        assertThat(listener.moves()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN");
    }

    @Test
    void anExpiredLeaseIsReleasedWhenLookedAtToo() {
        BreakerSpec spec = new BreakerSpec(50, 10, Duration.ofSeconds(10), Duration.ofSeconds(30), 1, null);
        CircuitBreaker breaker = breaker(spec);
        trip(breaker);
        ticker.advance(Duration.ofSeconds(30));
        breaker.tryAcquire();
        assertThat(breaker.snapshot().probesGranted()).isEqualTo(1);
        ticker.advance(Duration.ofSeconds(30));
        assertThat(breaker.snapshot().probesGranted()).isZero();
        assertThat(breaker.state()).isEqualTo(HALF_OPEN);
    }

    @Test
    void outcomesOfCallsAdmittedBeforeATripAreDropped() {
        CircuitBreaker breaker = breaker(SPEC);
        List<Permit> inFlight = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            inFlight.add(breaker.tryAcquire());
        }
        trip(breaker);
        inFlight.forEach(p -> breaker.onComplete(p, true, 1_000));
        assertThat(breaker.evidence()).as("dropped while open").isEqualTo(new Evidence(10, 10, 10));

        ticker.advance(Duration.ofSeconds(30));
        breaker.onComplete(breaker.tryAcquire(), false, 1_000);
        breaker.onComplete(breaker.tryAcquire(), false, 1_000);
        assertThat(breaker.state()).isEqualTo(CLOSED);
        inFlight.forEach(p -> breaker.onComplete(p, true, 1_000));
        assertThat(breaker.evidence()).as("and from an earlier closed period").isEqualTo(Evidence.NONE);
    }

    @Test
    void aRejectedPermitsCompletionIsIgnored() {
        CircuitBreaker breaker = breaker(SPEC);
        trip(breaker);
        Permit rejected = breaker.tryAcquire();
        breaker.onComplete(rejected, true, 1_000);
        assertThat(breaker.snapshot().generation()).isEqualTo(1);
        assertThat(breaker.evidence()).isEqualTo(new Evidence(10, 10, 10));
    }

    @Test
    void aStaleProbeResultIsDropped() {
        CircuitBreaker breaker = breaker(SPEC);
        trip(breaker);
        ticker.advance(Duration.ofSeconds(30));
        Permit probe = breaker.tryAcquire();
        breaker.forceClose();
        breaker.onComplete(probe, true, 1_000);
        assertThat(breaker.snapshot()).isEqualTo(new BreakerSnapshot(CLOSED, T0 + 30_000, 0, 0, 0, 3));
    }

    @Test
    void forceCloseClosesWithAnEmptyWindow() {
        CircuitBreaker breaker = breaker(SPEC);
        breaker.forceClose();
        assertThat(listener.transitions()).as("already closed: no transition").isEmpty();
        trip(breaker);
        ticker.advanceMillis(10);
        breaker.forceClose();
        assertThat(breaker.state()).isEqualTo(CLOSED);
        assertThat(breaker.evidence()).isEqualTo(Evidence.NONE);
        assertThat(breaker.tryAcquire()).isEqualTo(Permit.admitted(2));
        assertThat(listener.transitions()).containsExactly("CLOSED->OPEN@" + T0, "OPEN->CLOSED@" + (T0 + 10));
    }

    @Test
    void theListenerSeesTheNewStateAndMayFailWithoutHarm() {
        List<BreakerState> seen = new ArrayList<>();
        CircuitBreaker[] holder = new CircuitBreaker[1];
        CircuitBreaker breaker = new CircuitBreaker(SPEC, ticker, (from, to, at) -> {
            seen.add(holder[0].state());
            throw new IllegalStateException("listener bug");
        });
        holder[0] = breaker;
        trip(breaker);
        assertThat(seen).containsExactly(OPEN);
        ticker.advance(Duration.ofSeconds(30));
        assertThat(breaker.tryAcquire().probe()).isTrue();
        assertThat(seen).containsExactly(OPEN, HALF_OPEN);
    }

    @Test
    void generationCountsStateChanges() {
        CircuitBreaker breaker = breaker(SPEC);
        assertThat(breaker.snapshot().generation()).isZero();
        trip(breaker);
        assertThat(breaker.snapshot().generation()).isEqualTo(1);
        ticker.advance(Duration.ofSeconds(30));
        Permit a = breaker.tryAcquire();
        Permit b = breaker.tryAcquire();
        assertThat(breaker.snapshot().generation()).as("grants change no state").isEqualTo(2);
        breaker.onComplete(a, false, 0);
        breaker.onComplete(b, false, 0);
        assertThat(breaker.snapshot().generation()).isEqualTo(3);
    }
}
