package dev.gateway.config;

import dev.gateway.config.internal.Check;

/** Health checking of an upstream's targets: active, passive, or both (at least one). */
public record HealthConfig(ActiveHealth active, PassiveHealth passive) {
    public HealthConfig {
        Check.that(active != null || passive != null, "health", "{}", "active and/or passive");
    }
}
