package dev.gateway.limiter.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Validation of the breaker's records, and Evidence's arithmetic. */
class BreakerRecordsTest {
    private static final Duration TEN_S = Duration.ofSeconds(10);
    private static final Duration THIRTY_S = Duration.ofSeconds(30);

    @Test
    void specAcceptsTheBounds() {
        BreakerSpec spec = new BreakerSpec(100, 1, Duration.ofMillis(1), Duration.ofMillis(1), 1, null);
        assertThat(spec.slowCall()).isNull();
        assertThat(new BreakerSpec(0.001, 20, TEN_S, THIRTY_S, 1).slowCall()).isNull();
        assertThat(new BreakerSpec(50, 20, TEN_S, THIRTY_S, 1, Duration.ofSeconds(2)).slowCall())
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void specValidatesWithFieldNamedMessages() {
        assertThatThrownBy(() -> new BreakerSpec(0, 20, TEN_S, THIRTY_S, 1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("failureRatePercent: 0.0 (expected: > 0 and <= 100)");
        assertThatThrownBy(() -> new BreakerSpec(100.5, 20, TEN_S, THIRTY_S, 1, null))
                .hasMessage("failureRatePercent: 100.5 (expected: > 0 and <= 100)");
        assertThatThrownBy(() -> new BreakerSpec(Double.NaN, 20, TEN_S, THIRTY_S, 1, null))
                .hasMessage("failureRatePercent: NaN (expected: > 0 and <= 100)");
        assertThatThrownBy(() -> new BreakerSpec(50, 0, TEN_S, THIRTY_S, 1, null))
                .hasMessage("minimumCalls: 0 (expected: > 0)");
        assertThatThrownBy(() -> new BreakerSpec(50, 20, Duration.ZERO, THIRTY_S, 1, null))
                .hasMessage("window: PT0S (expected: > 0)");
        assertThatThrownBy(() -> new BreakerSpec(50, 20, TEN_S, Duration.ofSeconds(-1), 1, null))
                .hasMessage("openFor: PT-1S (expected: > 0)");
        assertThatThrownBy(() -> new BreakerSpec(50, 20, TEN_S, THIRTY_S, 0, null))
                .hasMessage("halfOpenProbes: 0 (expected: > 0)");
        assertThatThrownBy(() -> new BreakerSpec(50, 20, TEN_S, THIRTY_S, 1, Duration.ZERO))
                .hasMessage("slowCall: PT0S (expected: > 0)");
        assertThatThrownBy(() -> new BreakerSpec(50, 20, null, THIRTY_S, 1, null))
                .isInstanceOf(NullPointerException.class).hasMessage("window");
        assertThatThrownBy(() -> new BreakerSpec(50, 20, TEN_S, null, 1, null))
                .isInstanceOf(NullPointerException.class).hasMessage("openFor");
    }

    @Test
    void evidenceValidates() {
        assertThatThrownBy(() -> new Evidence(-1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("calls: -1 (expected: >= 0)");
        assertThatThrownBy(() -> new Evidence(3, 4)).hasMessage("failures: 4 (expected: 0..3)");
        assertThatThrownBy(() -> new Evidence(3, -1)).hasMessage("failures: -1 (expected: 0..3)");
    }

    @Test
    void evidenceAddsUpAndComputesItsRate() {
        assertThat(Evidence.NONE).isEqualTo(new Evidence(0, 0));
        assertThat(Evidence.NONE.failureRatePercent()).isZero();
        assertThat(new Evidence(10, 5).plus(new Evidence(30, 1))).isEqualTo(new Evidence(40, 6));
        assertThat(new Evidence(7, 7).plus(Evidence.NONE)).isEqualTo(new Evidence(7, 7));
        assertThat(new Evidence(10, 5).failureRatePercent()).isEqualTo(50.0);
        assertThat(new Evidence(8, 1).failureRatePercent()).isEqualTo(12.5);
        assertThat(new Evidence(1000, 3).failureRatePercent()).isEqualTo(0.3);
        assertThat(new Evidence(3, 3).failureRatePercent()).isEqualTo(100.0);
        assertThatThrownBy(() -> new Evidence(Long.MAX_VALUE, 0).plus(new Evidence(1, 0)))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void snapshotValidates() {
        assertThatThrownBy(() -> new BreakerSnapshot(null, 0, 0, 0, 0, 0))
                .isInstanceOf(NullPointerException.class).hasMessage("state");
        assertThatThrownBy(() -> new BreakerSnapshot(BreakerState.HALF_OPEN, 0, 0, -1, 0, 0))
                .hasMessage("probesGranted: -1 (expected: >= 0)");
        assertThatThrownBy(() -> new BreakerSnapshot(BreakerState.HALF_OPEN, 0, 0, 1, 2, 0))
                .hasMessage("probesSucceeded: 2 (expected: 0..1)");
        assertThatThrownBy(() -> new BreakerSnapshot(BreakerState.CLOSED, 0, 0, 0, 0, -1))
                .hasMessage("generation: -1 (expected: >= 0)");
        assertThat(new BreakerSnapshot(BreakerState.HALF_OPEN, 0, 0, 2, 1, 0).hasOutstandingProbes()).isTrue();
        assertThat(new BreakerSnapshot(BreakerState.HALF_OPEN, 0, 0, 1, 1, 0).hasOutstandingProbes()).isFalse();
    }

    @Test
    void permitValidates() {
        assertThat(Permit.admitted(3)).isEqualTo(new Permit(true, false, 0, 3, 0));
        assertThat(Permit.probe(3, 99)).isEqualTo(new Permit(true, true, 0, 3, 99));
        assertThat(Permit.rejected(250, 3)).isEqualTo(new Permit(false, false, 250, 3, 0));
        assertThatThrownBy(() -> new Permit(false, true, 0, 0, 0))
                .hasMessage("probe: true (expected: only for an allowed permit)");
        assertThatThrownBy(() -> new Permit(true, false, 5, 0, 0))
                .hasMessage("retryAfterMillis: 5 (expected: 0 for an allowed permit)");
        assertThatThrownBy(() -> new Permit(false, false, -5, 0, 0))
                .hasMessage("retryAfterMillis: -5 (expected: >= 0)");
        assertThatThrownBy(() -> new Permit(true, false, 0, 0, 7))
                .hasMessage("leaseUntilMillis: 7 (expected: 0 unless a probe)");
        assertThatThrownBy(() -> new Permit(true, false, 0, -1, 0))
                .hasMessage("generation: -1 (expected: >= 0)");
    }

    @Test
    void probeGrantNeedsASnapshot() {
        assertThatThrownBy(() -> new ProbeGrant(true, null))
                .isInstanceOf(NullPointerException.class).hasMessage("snapshot");
    }
}
