package dev.gateway.limiter;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Ticker} that moves only when a test says so, in whole milliseconds. Thread-safe. */
public final class ManualTicker implements Ticker {

    /** 2023-11-14T22:14:00Z: a whole minute (so also a whole 10 s, 5 s and 1 s), to reason about alignment. */
    public static final long START_MILLIS = 1_700_000_040_000L;

    private final AtomicLong millis;

    public ManualTicker() {
        this(START_MILLIS);
    }

    public ManualTicker(long epochMillis) {
        this.millis = new AtomicLong(epochMillis);
    }

    /** Moves time forward by {@code duration}, which must be whole milliseconds. */
    public ManualTicker advance(Duration duration) {
        if (duration.isNegative() || duration.toNanos() % 1_000_000 != 0) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0, whole milliseconds)");
        }
        millis.addAndGet(duration.toMillis());
        return this;
    }

    public ManualTicker advanceMillis(long ms) {
        return advance(Duration.ofMillis(ms));
    }

    @Override
    public long epochMillis() {
        return millis.get();
    }

    @Override
    public long nanoTime() {
        return millis.get() * 1_000_000L;
    }

    @Override
    public String toString() {
        return "ManualTicker(" + millis.get() + " ms)";
    }
}
