package dev.gateway.limiter.breaker;

import java.util.Objects;

/**
 * The answer of {@link BreakerBoard#tryProbe}.
 *
 * @param granted whether the asking node holds a probe lease now: it may send one probe call and must report
 *                its outcome with {@link BreakerBoard#probeResult} before the lease expires, at
 *                {@code view.snapshot().openUntilMillis()} (a result reported later is ignored)
 * @param view    the shared breaker after the request (time may have moved it, e.g. from OPEN to HALF_OPEN)
 */
public record ProbeAnswer(boolean granted, SharedBreakerView view) {

    public ProbeAnswer {
        Objects.requireNonNull(view, "view");
    }
}
