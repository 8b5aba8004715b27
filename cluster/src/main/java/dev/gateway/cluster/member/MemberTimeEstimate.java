package dev.gateway.cluster.member;

import dev.gateway.limiter.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A client node's estimate of the members' cluster time: its own wall clock plus an offset measured by asking a
 * member ({@link MemberTimeCall}) and taking the midpoint of the round trip, so the estimate is off by at most half
 * the round trip (plus the members' own spread, a few ms on a LAN). Until the first measurement, and whenever one
 * fails, the last offset stands (0 at first: the node's own clock). Measured by {@link ClusterClient} at start and
 * every {@link #REFRESH_SECONDS}. Thread-safe.
 */
final class MemberTimeEstimate implements Ticker {
    static final long REFRESH_SECONDS = 5;

    private final Ticker local;
    private volatile long offsetMillis;
    private volatile boolean measured;

    MemberTimeEstimate(Ticker local) {
        this.local = local;
    }

    /**
     * Measures once: {@code memberTime} asks a member and blocks for its answer (it may throw; the offset then
     * stays). Returns whether a measurement was taken.
     */
    boolean measure(LongSupplier memberTime) {
        long sentNanos = local.nanoTime();
        long sentMillis = local.epochMillis();
        long theirs;
        try {
            theirs = memberTime.getAsLong();
        } catch (RuntimeException e) {
            return false;
        }
        long roundTripMillis = TimeUnit.NANOSECONDS.toMillis(local.nanoTime() - sentNanos);
        offsetMillis = theirs - (sentMillis + roundTripMillis / 2);
        measured = true;
        return true;
    }

    /** Members' time minus this node's wall clock, as last measured. */
    long offsetMillis() {
        return offsetMillis;
    }

    boolean measured() {
        return measured;
    }

    @Override
    public long epochMillis() {
        return local.epochMillis() + offsetMillis;
    }

    @Override
    public long nanoTime() {
        return local.nanoTime();
    }
}
