package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;

/**
 * {@code routes[].websocket}: the route accepts WebSocket upgrades (RFC 6455 over HTTP/1.1) and tunnels them to its
 * upstream. {@code idleTimeout}: no frame in either direction for that long closes both sides (close 1001).
 * {@code maxMessage}: a message (its frames summed) larger than this closes both sides (close 1009).
 */
public record WebSocketConfig(Duration idleTimeout, long maxMessage) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final long DEFAULT_MAX_MESSAGE = 1L << 20;

    public WebSocketConfig {
        Check.notNull(idleTimeout, "idleTimeout");
        Check.that(!idleTimeout.isNegative() && !idleTimeout.isZero(), "idleTimeout", idleTimeout, "> 0");
        Check.that(maxMessage > 0, "maxMessage", maxMessage, "> 0");
    }

    /** The defaults: {@code idle-timeout: 5m, max-message: 1MiB}. */
    public static WebSocketConfig defaults() {
        return new WebSocketConfig(DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_MESSAGE);
    }
}
