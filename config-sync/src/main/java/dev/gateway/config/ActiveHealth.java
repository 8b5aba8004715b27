package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;

/** Active health checks: GET {@code path} every {@code interval}; 2xx/3xx within {@code timeout} is a success. */
public record ActiveHealth(String path, Duration interval, int healthyAfter, int unhealthyAfter, Duration timeout) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    public static final int DEFAULT_THRESHOLD = 2;

    public ActiveHealth {
        Check.that(path != null && path.startsWith("/") && path.chars().noneMatch(c -> c <= ' '), "path", path,
                "an absolute path such as /health");
        Check.positive(interval, "interval");
        Check.atLeast(healthyAfter, 1, "healthyAfter");
        Check.atLeast(unhealthyAfter, 1, "unhealthyAfter");
        Check.positive(timeout, "timeout");
    }
}
