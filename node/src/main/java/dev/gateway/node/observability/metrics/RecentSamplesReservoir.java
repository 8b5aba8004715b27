package dev.gateway.node.observability.metrics;

import com.codahale.metrics.Reservoir;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.UniformSnapshot;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A reservoir of the most recent {@code capacity} samples, in a ring.
 *
 * <p>Why not Dropwizard's default: {@code ExponentiallyDecayingReservoir} takes a lock and allocates
 * a sample object and a skip-list node per update, and {@code SlidingWindowReservoir} is
 * synchronized. This one is lock-free and allocates nothing on {@link #update}: one atomic
 * increment and one array store. The price: quantiles describe the last {@code capacity} requests,
 * not a time window, and a snapshot taken while writers are running may see a slot that was
 * claimed but not yet written (its previous value, or 0 before the ring first fills). Both are
 * acceptable for latency quantiles of a busy gateway.
 *
 * <p>Thread-safe. {@link #getSnapshot} copies the ring (scrape time only).
 */
final class RecentSamplesReservoir implements Reservoir {
    static final int DEFAULT_CAPACITY = 1024;

    private final AtomicLongArray values;
    private final AtomicLong written = new AtomicLong();
    private final int mask;

    RecentSamplesReservoir() {
        this(DEFAULT_CAPACITY);
    }

    /** {@code capacity} must be a power of two. */
    RecentSamplesReservoir(int capacity) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: a power of two > 0)");
        }
        this.values = new AtomicLongArray(capacity);
        this.mask = capacity - 1;
    }

    @Override
    public int size() {
        return (int) Math.min(written.get(), values.length());
    }

    @Override
    public void update(long value) {
        long slot = written.getAndIncrement();
        values.lazySet((int) (slot & mask), value);
    }

    @Override
    public Snapshot getSnapshot() {
        int size = size();
        long[] copy = new long[size];
        for (int i = 0; i < size; i++) {
            copy[i] = values.get(i);
        }
        return new UniformSnapshot(copy);
    }
}
