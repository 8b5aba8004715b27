package dev.gateway.config.feed;

import java.util.Objects;

/**
 * What a publish did: {@code accepted} when the candidate is now the cluster's version (or already was, with
 * the same content); otherwise a conflict, and {@code current} is the version that won.
 */
public record PublishOutcome(boolean accepted, ConfigVersion current) {
    public PublishOutcome {
        Objects.requireNonNull(current, "current");
    }

    /** The outcome of publishing {@code candidate} when {@code current} is in force afterwards. */
    public static PublishOutcome of(ConfigVersion candidate, ConfigVersion current) {
        return new PublishOutcome(candidate.sameAs(current), current);
    }
}
