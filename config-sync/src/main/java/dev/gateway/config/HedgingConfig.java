package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;

/** Hedged requests (idempotent methods only): after {@code after} without a response, send up to {@code maxExtra} more. */
public record HedgingConfig(Duration after, int maxExtra) {
    public HedgingConfig {
        Check.positive(after, "after");
        Check.that(maxExtra >= 1 && maxExtra <= 5, "maxExtra", maxExtra, "1..5");
    }
}
