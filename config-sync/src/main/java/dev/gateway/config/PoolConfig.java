package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;

/**
 * Keep-alive connection pool per upstream target: at most {@code maxConnections}, closed after idling for
 * {@code idleTimeout}, and not reused once older than {@code maxLifetime} (closed when it comes back to the pool
 * instead), so that new connections follow a change of the target's DNS address under steady load.
 */
public record PoolConfig(int maxConnections, Duration idleTimeout, Duration maxLifetime) {
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(5);

    public PoolConfig {
        Check.atLeast(maxConnections, 1, "maxConnections");
        Check.positive(idleTimeout, "idleTimeout");
        Check.positive(maxLifetime, "maxLifetime");
    }

    /** A pool with the default maximum lifetime (5m). */
    public PoolConfig(int maxConnections, Duration idleTimeout) {
        this(maxConnections, idleTimeout, DEFAULT_MAX_LIFETIME);
    }

    /** 256 connections, 30s idle timeout, 5m maximum lifetime. */
    public static PoolConfig defaults() {
        return new PoolConfig(256, Duration.ofSeconds(30), DEFAULT_MAX_LIFETIME);
    }
}
