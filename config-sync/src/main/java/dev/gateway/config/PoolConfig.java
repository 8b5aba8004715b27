package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;

/** Keep-alive connection pool per upstream target: at most {@code maxConnections}, closed after idling. */
public record PoolConfig(int maxConnections, Duration idleTimeout) {
    public PoolConfig {
        Check.atLeast(maxConnections, 1, "maxConnections");
        Check.positive(idleTimeout, "idleTimeout");
    }

    /** 256 connections, 30s idle timeout. */
    public static PoolConfig defaults() {
        return new PoolConfig(256, Duration.ofSeconds(30));
    }
}
