package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.List;

/**
 * One upstream: its targets and how to reach them. Optional parts are {@code null} when absent
 * ({@code health}, {@code tls}, {@code circuitBreaker}, {@code retries}, {@code hedging}).
 */
public record UpstreamConfig(List<Target> targets, Balancing balancing, PoolConfig pool, Timeouts timeouts,
                             HealthConfig health, UpstreamTls tls, CircuitBreakerConfig circuitBreaker,
                             RetryConfig retries, HedgingConfig hedging) {
    public UpstreamConfig {
        targets = Check.list(targets, "targets");
        Check.that(!targets.isEmpty(), "targets", "[]", "at least one target");
        Check.notNull(balancing, "balancing");
        Check.notNull(pool, "pool");
        Check.notNull(timeouts, "timeouts");
    }
}
