package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;
import java.util.Locale;

/** Exponential backoff between retries, from {@code initial} doubling up to {@code max}, with optional jitter. */
public record Backoff(Duration initial, Duration max, Jitter jitter) {
    /** {@code full}: a uniform random delay in 0..computed delay; {@code none}: the computed delay. */
    public enum Jitter {
        FULL, NONE;

        public static Jitter parse(String text) {
            return switch (text) {
                case "full" -> FULL;
                case "none" -> NONE;
                default -> throw new IllegalArgumentException("'" + text + "' (expected: full or none)");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Backoff {
        Check.positive(initial, "initial");
        Check.positive(max, "max");
        Check.that(max.compareTo(initial) >= 0, "max", max, ">= initial (" + Durations.format(initial) + ")");
        Check.notNull(jitter, "jitter");
    }

    /** 50ms initial, 1s max, full jitter. */
    public static Backoff defaults() {
        return new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1), Jitter.FULL);
    }
}
