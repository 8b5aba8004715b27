package dev.gateway.limiter.breaker;

import java.util.Objects;

/**
 * The answer of {@link SharedBreakerPolicy#onProbeRequest}.
 *
 * @param granted whether the asking node got a probe lease
 * @param state   the state to store, whether granted or not (time may have moved the breaker on)
 */
public record SharedProbeGrant(boolean granted, SharedBreakerState state) {

    public SharedProbeGrant {
        Objects.requireNonNull(state, "state");
    }
}
