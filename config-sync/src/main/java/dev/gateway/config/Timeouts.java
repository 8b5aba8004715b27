package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;

/**
 * Per-attempt timeouts towards an upstream: {@code connect} (opening a connection: name resolution, TCP and TLS
 * handshakes), and {@code response}, the longest silence of the exchange: while the request is uploaded, then until
 * the response head arrives, then between chunks of the response body (time the body is held back because the
 * client reads slowly does not count).
 */
public record Timeouts(Duration connect, Duration response) {
    public Timeouts {
        Check.positive(connect, "connect");
        Check.positive(response, "response");
    }

    /** 1s connect, 30s response. */
    public static Timeouts defaults() {
        return new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(30));
    }
}
