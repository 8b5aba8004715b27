package dev.gateway.limiter.breaker;

import java.time.Duration;
import java.util.Objects;

/**
 * One upstream's circuit-breaker policy, as configured ({@code upstreams.*.circuit-breaker}).
 *
 * <p>Durations are used in whole milliseconds, rounded up ({@link BreakerPolicy} and {@link OutcomeWindow} do
 * the rounding).
 *
 * @param failureRatePercent the failure rate, in percent of the calls in the window, at or above which the
 *                           breaker trips: {@code 0 < x <= 100}
 * @param minimumCalls       the fewest calls in the window for the rate to count (below it, no trip)
 * @param window             how far back outcomes count
 * @param openFor            how long the breaker stays open before it lets probes through; also how long a
 *                           granted probe may take before its lease expires and another probe may go
 * @param halfOpenProbes     how many probes must all succeed for the breaker to close
 * @param slowCall           calls slower than this count as failures; null for no slow-call rule
 * @param consecutiveFailures a second trip condition: this many failures in a row (summed over the nodes'
 *                           trailing runs, for a shared breaker) trip it whatever the window's rate; 0 for none
 */
public record BreakerSpec(double failureRatePercent, int minimumCalls, Duration window, Duration openFor,
        int halfOpenProbes, Duration slowCall, int consecutiveFailures) {

    public BreakerSpec {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(openFor, "openFor");
        if (!(failureRatePercent > 0 && failureRatePercent <= 100)) {
            throw new IllegalArgumentException("failureRatePercent: " + failureRatePercent
                    + " (expected: > 0 and <= 100)");
        }
        if (minimumCalls < 1) {
            throw new IllegalArgumentException("minimumCalls: " + minimumCalls + " (expected: > 0)");
        }
        requirePositive("window", window);
        requirePositive("openFor", openFor);
        if (halfOpenProbes < 1) {
            throw new IllegalArgumentException("halfOpenProbes: " + halfOpenProbes + " (expected: > 0)");
        }
        if (slowCall != null) {
            requirePositive("slowCall", slowCall);
        }
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("consecutiveFailures: " + consecutiveFailures + " (expected: >= 0)");
        }
    }

    /** A spec without a consecutive-failures rule. */
    public BreakerSpec(double failureRatePercent, int minimumCalls, Duration window, Duration openFor,
            int halfOpenProbes, Duration slowCall) {
        this(failureRatePercent, minimumCalls, window, openFor, halfOpenProbes, slowCall, 0);
    }

    /** A spec without a slow-call rule. */
    public BreakerSpec(double failureRatePercent, int minimumCalls, Duration window, Duration openFor,
            int halfOpenProbes) {
        this(failureRatePercent, minimumCalls, window, openFor, halfOpenProbes, null);
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
