package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;
import java.util.Locale;

/**
 * A named rate limit: {@code limit} requests per {@code per} for each distinct {@code key}. {@code burst}
 * (token and leaky bucket only; null = {@code limit}) is the bucket capacity. {@code onClusterFailure} says
 * what happens when the cluster cannot answer in time: reject (fail-closed), admit (fail-open), or enforce
 * {@code limit / expected-size} on this node alone (local). A rejected request gets 429.
 *
 * <p>{@code maxKeys} bounds the distinct keys whose buckets the policy holds at once, cluster-wide (and in each
 * node's local fallback): past it the least frequently used buckets are evicted, and an evicted key starts again
 * with a full bucket (README, "Bounded state"). Default {@link #DEFAULT_MAX_KEYS}.
 */
public record RateLimitPolicy(Algorithm algorithm, long limit, Duration per, Long burst, RateLimitKey key,
                              FailureMode onClusterFailure, long maxKeys) {

    /** Distinct keys a policy holds when {@code max-keys} is not given: about 75 MB of cluster heap with one backup. */
    public static final long DEFAULT_MAX_KEYS = 100_000;

    public enum Algorithm {
        TOKEN_BUCKET, LEAKY_BUCKET, FIXED_WINDOW, SLIDING_WINDOW;

        public static Algorithm parse(String text) {
            for (Algorithm a : values()) {
                if (a.toString().equals(text)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("'" + text
                    + "' (expected: token-bucket, leaky-bucket, fixed-window, sliding-window)");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public enum FailureMode {
        FAIL_CLOSED, FAIL_OPEN, LOCAL;

        public static FailureMode parse(String text) {
            for (FailureMode a : values()) {
                if (a.toString().equals(text)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("'" + text + "' (expected: fail-closed, fail-open, local)");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public RateLimitPolicy {
        Check.notNull(algorithm, "algorithm");
        Check.atLeast(limit, 1, "limit");
        Check.positive(per, "per");
        Check.that(burst == null || burst >= 1, "burst", burst, ">= 1");
        Check.that(burst == null || algorithm == Algorithm.TOKEN_BUCKET || algorithm == Algorithm.LEAKY_BUCKET,
                "burst", burst, "only with token-bucket or leaky-bucket");
        Check.notNull(key, "key");
        Check.notNull(onClusterFailure, "onClusterFailure");
        Check.atLeast(maxKeys, 1, "maxKeys");
        Check.that(maxKeys <= Integer.MAX_VALUE, "maxKeys", maxKeys, "<= " + Integer.MAX_VALUE);
    }

    /** The bucket capacity: {@code burst} when set, else {@code limit}. */
    public long capacity() {
        return burst != null ? burst : limit;
    }
}
