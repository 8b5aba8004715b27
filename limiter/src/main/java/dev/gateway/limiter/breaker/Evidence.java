package dev.gateway.limiter.breaker;

/**
 * What a window of call outcomes says about an upstream: how many calls completed and how many of them
 * failed. Slow calls are already counted as failures by whoever recorded them. Evidence from several windows
 * (say, every node's) adds up with {@link #plus}.
 *
 * @param calls               completed calls, {@code >= 0}
 * @param failures            failed calls among them, {@code 0..calls}
 * @param consecutiveFailures the failures in a row at the end of the window (no success since), {@code 0..failures};
 *                            summed over several windows, the total of their trailing runs
 */
public record Evidence(long calls, long failures, long consecutiveFailures) {

    /** No calls at all. */
    public static final Evidence NONE = new Evidence(0, 0, 0);

    /** Evidence without a trailing run of failures. */
    public Evidence(long calls, long failures) {
        this(calls, failures, 0);
    }

    public Evidence {
        if (calls < 0) {
            throw new IllegalArgumentException("calls: " + calls + " (expected: >= 0)");
        }
        if (failures < 0 || failures > calls) {
            throw new IllegalArgumentException("failures: " + failures + " (expected: 0.." + calls + ")");
        }
        if (consecutiveFailures < 0 || consecutiveFailures > failures) {
            throw new IllegalArgumentException("consecutiveFailures: " + consecutiveFailures
                    + " (expected: 0.." + failures + ")");
        }
    }

    /** Every count summed; throws {@link ArithmeticException} on overflow. */
    public Evidence plus(Evidence other) {
        return new Evidence(Math.addExact(calls, other.calls), Math.addExact(failures, other.failures),
                Math.addExact(consecutiveFailures, other.consecutiveFailures));
    }

    /**
     * {@code 100 * failures / calls}; 0 without calls. One correctly rounded division, so a rate that is exactly
     * a decimal threshold compares equal to it: 3 failures in 1000 calls is {@code 0.3}, 1 in 8 is {@code 12.5}.
     */
    public double failureRatePercent() {
        return calls == 0 ? 0 : failures * 100.0 / calls;
    }
}
