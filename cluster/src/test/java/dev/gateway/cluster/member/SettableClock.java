package dev.gateway.cluster.member;

import dev.gateway.limiter.Ticker;
import java.util.concurrent.atomic.AtomicLong;

/** A member's clock that a test sets by hand, to any instant, backwards too (a skewed member). Thread-safe. */
public final class SettableClock implements Ticker {
    private final AtomicLong millis;

    public SettableClock(long epochMillis) {
        this.millis = new AtomicLong(epochMillis);
    }

    public SettableClock set(long epochMillis) {
        millis.set(epochMillis);
        return this;
    }

    public SettableClock advanceMillis(long ms) {
        millis.addAndGet(ms);
        return this;
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
        return "SettableClock(" + millis.get() + " ms)";
    }
}
