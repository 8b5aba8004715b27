package dev.gateway.node.resilience;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * How many retries (and hedges) an upstream may take: at most {@code share} of its first attempts over the last
 * second, counted in ten 100 ms slots, so retries add at most that share to the upstream's load even when it
 * fails every request. A quiet upstream still gets one retry per second (a budget of 20% of four requests would
 * otherwise be none); a share of 0 allows none. Lock-free; slot turnover may lose a count at the edge of a slot.
 */
public final class RetryBudget {
    private static final int SLOTS = 10;
    private static final long SLOT_NANOS = 100_000_000L;

    private final double share;
    private final LongSupplier nanoTime;
    private final AtomicLongArray epochs = new AtomicLongArray(SLOTS);
    private final AtomicLongArray requests = new AtomicLongArray(SLOTS);
    private final AtomicLongArray retries = new AtomicLongArray(SLOTS);

    /** @param share the budget as a fraction of first attempts, 0..1 (20% is 0.2) */
    public RetryBudget(double share, LongSupplier nanoTime) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("share: " + share + " (expected: 0..1)");
        }
        this.share = share;
        this.nanoTime = nanoTime;
    }

    /** Counts one first attempt. */
    public void onRequest() {
        slot(requests);
    }

    /** Takes one retry from the budget; false when the last second's retries already reached the share. */
    public boolean tryRetry() {
        long now = nanoTime.getAsLong() / SLOT_NANOS;
        long sumRequests = 0;
        long sumRetries = 0;
        for (int i = 0; i < SLOTS; i++) {
            long epoch = epochs.get(i);
            if (now - epoch < SLOTS) {
                sumRequests += requests.get(i);
                sumRetries += retries.get(i);
            }
        }
        long allowed = share == 0 ? 0 : Math.max(1, (long) Math.floor(share * sumRequests));
        if (sumRetries + 1 > allowed) {
            return false;
        }
        slot(retries);
        return true;
    }

    private void slot(AtomicLongArray counters) {
        long now = nanoTime.getAsLong() / SLOT_NANOS;
        int i = (int) Math.floorMod(now, (long) SLOTS);
        long epoch = epochs.get(i);
        if (epoch != now && epochs.compareAndSet(i, epoch, now)) {
            requests.set(i, 0);
            retries.set(i, 0);
        }
        counters.incrementAndGet(i);
    }
}
