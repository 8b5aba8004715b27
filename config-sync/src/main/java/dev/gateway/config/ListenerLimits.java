package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;

/**
 * Limits of the proxy listener: request head size (431 beyond), body size (413 beyond),
 * time to receive the request head (408 beyond), keep-alive idle time, open client
 * connections (503 and close beyond), and how long a stopping node keeps serving what it
 * has accepted.
 */
public record ListenerLimits(int maxHeaderBytes, long maxBodyBytes, Duration headerTimeout, Duration idleTimeout,
                             int maxConnections, Duration drainTimeout) {
    public static final int DEFAULT_MAX_HEADER_BYTES = 16384;
    public static final long DEFAULT_MAX_BODY_BYTES = 10_485_760L;
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

    public ListenerLimits {
        Check.atLeast(maxHeaderBytes, 1024, "maxHeaderBytes");
        Check.atLeast(maxBodyBytes, 0, "maxBodyBytes");
        Check.positive(headerTimeout, "headerTimeout");
        Check.positive(idleTimeout, "idleTimeout");
        Check.atLeast(maxConnections, 1, "maxConnections");
        Check.notNull(drainTimeout, "drainTimeout");
        Check.that(!drainTimeout.isNegative(), "drainTimeout", drainTimeout, ">= 0");
    }

    /** 16384 header bytes, 10 MiB body, 10s header timeout, 60s idle timeout, 10000 connections, 10s drain. */
    public static ListenerLimits defaults() {
        return new ListenerLimits(DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_BODY_BYTES, DEFAULT_HEADER_TIMEOUT,
                DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_DRAIN_TIMEOUT);
    }
}
