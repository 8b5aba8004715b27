package dev.gateway.limiter;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BandwidthBuilder;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
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
