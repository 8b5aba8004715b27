package dev.gateway.cluster.limits;

import dev.gateway.limiter.ManualTicker;
import dev.gateway.limiter.Ticker;
import java.util.Objects;

/**
 * The member clock of every member of a {@link LimitsCluster} started without clocks of its own: it reads
 * whichever clock the running test follows ({@link #follow}), a {@link ManualTicker} standing still until then,
 * so a test moves every owner's time with its own ticker. Thread-safe.
 */
final class FollowedClock implements Ticker {
    private volatile Ticker target = new ManualTicker();

    void follow(Ticker ticker) {
        target = Objects.requireNonNull(ticker, "ticker");
    }

    @Override
    public long epochMillis() {
        return target.epochMillis();
    }

    @Override
    public long nanoTime() {
        return target.nanoTime();
    }
}
