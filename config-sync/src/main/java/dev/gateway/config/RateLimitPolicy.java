package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;
import java.util.Locale;

/**
 * A named rate limit: {@code limit} requests per {@code per} for each distinct {@code key}. {@code burst}
 * (token and leaky bucket only; null = {@code limit}) is the bucket capacity. {@code onClusterFailure} says
 * what happens when the cluster cannot answer in time: reject (fail-closed), admit (fail-open), or enforce
 * {@code limit / expected-size} on this node alone (local). A rejected request gets 429.
 */
public record RateLimitPolicy(Algorithm algorithm, long limit, Duration per, Long burst, RateLimitKey key,
                              FailureMode onClusterFailure) {
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
    }

    /** The bucket capacity: {@code burst} when set, else {@code limit}. */
    public long capacity() {
        return burst != null ? burst : limit;
    }
}
