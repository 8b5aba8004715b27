package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;

/** Per-attempt timeouts towards an upstream: connect, and response (first byte to last byte of the head). */
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
