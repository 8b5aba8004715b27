package dev.gateway.limiter.breaker;

import java.util.Objects;

/**
 * The answer of {@link BreakerPolicy#tryGrantProbe}.
 *
 * @param granted  whether the caller may send one probe call
 * @param snapshot the state to store, whether granted or not (time may have moved the breaker on, e.g. from
 *                 {@code OPEN} to {@code HALF_OPEN}, or released expired probe leases)
 */
public record ProbeGrant(boolean granted, BreakerSnapshot snapshot) {

    public ProbeGrant {
        Objects.requireNonNull(snapshot, "snapshot");
    }
}
