package dev.gateway.config;

import dev.gateway.config.internal.Check;

/** Passive health: a target is marked down after {@code unhealthyAfter} consecutive failures of real traffic. */
public record PassiveHealth(int unhealthyAfter) {
    public static final int DEFAULT_UNHEALTHY_AFTER = 5;

    public PassiveHealth {
        Check.atLeast(unhealthyAfter, 1, "unhealthyAfter");
    }
}
