package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;

/**
 * Limits of the proxy listener: request head size (431 beyond), body size (413 beyond),
 * time to receive the request head (408 beyond) and keep-alive idle time.
 */
public record ListenerLimits(int maxHeaderBytes, long maxBodyBytes, Duration headerTimeout, Duration idleTimeout) {
    public static final int DEFAULT_MAX_HEADER_BYTES = 16384;
    public static final long DEFAULT_MAX_BODY_BYTES = 10_485_760L;
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public ListenerLimits {
        Check.atLeast(maxHeaderBytes, 1024, "maxHeaderBytes");
        Check.atLeast(maxBodyBytes, 0, "maxBodyBytes");
        Check.positive(headerTimeout, "headerTimeout");
        Check.positive(idleTimeout, "idleTimeout");
    }

    /** 16384 header bytes, 10 MiB body, 10s header timeout, 60s idle timeout. */
    public static ListenerLimits defaults() {
        return new ListenerLimits(DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_BODY_BYTES, DEFAULT_HEADER_TIMEOUT,
                DEFAULT_IDLE_TIMEOUT);
    }
}
