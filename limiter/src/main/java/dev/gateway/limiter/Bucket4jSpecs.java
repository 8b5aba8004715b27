package dev.gateway.limiter;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BandwidthBuilder;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketState;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.VerboseResult;
import java.time.Instant;

/**
 * How a {@link LimitSpec} of the bucket algorithms (token, leaky, fixed window) maps onto bucket4j, and
 * bucket4j's answers back onto a {@link Decision}. Shared by the in-memory limiter (bucket4j local
 * buckets) and the Hazelcast one (bucket4j's entry processors), so both run the same arithmetic.
 * Stateless; thread-safe.
 */
public final class Bucket4jSpecs {

    /**
     * How a bucket takes a spec of a greater version: what was consumed stays consumed. A higher capacity
     * adds the difference to what is left (more allowed, nothing reset); a lower one caps what is left at
     * the new capacity (no new tokens).
     */
    public static final TokensInheritanceStrategy INHERITANCE = TokensInheritanceStrategy.ADDITIVE;

    private Bucket4jSpecs() {
    }

    /** Whether bucket4j runs this spec; false for {@code SLIDING_WINDOW}, which {@link SlidingWindow} runs. */
    public static boolean isBucket(LimitSpec spec) {
        return spec.algorithm() != LimitSpec.Algorithm.SLIDING_WINDOW;
    }

    /**
     * The bucket4j configuration of a bucket spec: greedy (smooth) refill of {@code limit} per {@code period}
     * into {@code capacity} for the token and leaky bucket; for the fixed window, {@code limit} tokens that
     * come back whole at each period boundary counted from the epoch, so exactly {@code limit} pass per
     * aligned window.
     *
     * @throws IllegalArgumentException for a sliding window
     */
    public static BucketConfiguration configuration(LimitSpec spec) {
        Bandwidth bandwidth = switch (spec.algorithm()) {
            case TOKEN_BUCKET, LEAKY_BUCKET -> BandwidthBuilder.builder()
                    .capacity(spec.capacity())
                    .refillGreedy(spec.limit(), spec.period())
                    .build();
            case FIXED_WINDOW -> BandwidthBuilder.builder()
                    .capacity(spec.limit())
                    .refillIntervallyAligned(spec.limit(), spec.period(), Instant.EPOCH)
                    .build();
            case SLIDING_WINDOW -> throw new IllegalArgumentException(
                    "algorithm: SLIDING_WINDOW (expected: a bucket algorithm)");
        };
        return BucketConfiguration.builder().addLimit(bandwidth).build();
    }

    /** bucket4j's clock: {@link Ticker#epochNanos()}, wall-clock based (the fixed window's alignment needs it). */
    public static TimeMeter timeMeter(Ticker ticker) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ticker.epochNanos();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }

            @Override
            public String toString() {
                return "TimeMeter(" + ticker + ")";
            }
        };
    }

    /** The decision of a consumption attempt made at {@code nowNanos} (epoch nanoseconds). */
    public static Decision decision(LimitSpec spec, ConsumptionProbe probe, long nowNanos) {
        boolean allowed = probe.isConsumed();
        return new Decision(allowed, spec.limit(), probe.getRemainingTokens(),
                resetNanos(spec, probe.getNanosToWaitForReset(), nowNanos),
                allowed ? 0 : probe.getNanosToWaitForRefill());
    }

    /**
     * The decisions of {@code checks} single-token checks that arrived together, from one consumption of as many
     * of them as the bucket holds ({@code tryConsumeAsMuchAsPossible(checks)}, verbose: the tokens taken and the
     * bucket after). They are exactly the decisions of the same checks made one by one at the operation's time,
     * in order: the first ones get a token each, with what was left after each; the rest are refused with the
     * wait for one token. One call instead of one command per check.
     *
     * @throws IllegalArgumentException if the result consumed more than {@code checks} tokens or fewer than 0
     */
    public static Decision[] decisions(LimitSpec spec, int checks, VerboseResult<Long> consumed) {
        long taken = consumed.getValue();
        if (taken < 0 || taken > checks) {
            throw new IllegalArgumentException("consumed " + taken + " tokens for " + checks + " checks");
        }
        long now = consumed.getOperationTimeNanos();
        BucketState after = consumed.getState();
        long left = after.getAvailableTokens();
        Decision[] decisions = new Decision[checks];
        for (int i = 0; i < checks; i++) {
            if (i < taken) {
                long later = taken - 1 - i; // tokens the checks after this one took
                long untilFull;
                if (later == 0) {
                    untilFull = after.calculateFullRefillingTime(now);
                } else {
                    BucketState then = after.copy();
                    then.addTokens(later);
                    untilFull = then.calculateFullRefillingTime(now);
                }
                decisions[i] = new Decision(true, spec.limit(), left + later, resetNanos(spec, untilFull, now), 0);
            } else {
                decisions[i] = new Decision(false, spec.limit(), left,
                        resetNanos(spec, after.calculateFullRefillingTime(now), now),
                        after.calculateDelayNanosAfterWillBePossibleToConsume(1, now, true));
            }
        }
        return decisions;
    }

    /**
     * The decision a consumption would get, consuming nothing.
     *
     * @param fullRefillNanos the time until the bucket is full again (bucket4j's verbose diagnostics)
     */
    public static Decision estimate(LimitSpec spec, EstimationProbe probe, long fullRefillNanos, long nowNanos) {
        boolean allowed = probe.canBeConsumed();
        return new Decision(allowed, spec.limit(), probe.getRemainingTokens(),
                resetNanos(spec, fullRefillNanos, nowNanos), allowed ? 0 : probe.getNanosToWaitForRefill());
    }

    /** The decision for a bucket that does not exist yet (it would be created full). */
    public static Decision fresh(LimitSpec spec, long nowNanos) {
        return new Decision(true, spec.limit(), spec.capacity(), resetNanos(spec, 0, nowNanos), 0);
    }

    /** Nanoseconds from {@code nowNanos} to the end of the epoch-aligned window of {@code periodNanos} holding it. */
    public static long untilWindowEnd(long periodNanos, long nowNanos) {
        return periodNanos - Math.floorMod(nowNanos, periodNanos);
    }

    private static long resetNanos(LimitSpec spec, long untilFull, long nowNanos) {
        return spec.algorithm() == LimitSpec.Algorithm.FIXED_WINDOW
                ? untilWindowEnd(spec.period().toNanos(), nowNanos)
                : untilFull;
    }
}
