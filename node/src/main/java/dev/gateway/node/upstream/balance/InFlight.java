package dev.gateway.node.upstream.balance;

import dev.gateway.node.upstream.UpstreamTarget;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The number of requests in flight to each target of one upstream group, read by
 * {@link LeastConnections}.
 *
 * <p>Contract: whoever calls an upstream calls {@link #started} just before sending and
 * {@link #finished} exactly once when the call ends, however it ends (response, error, timeout,
 * cancellation). Targets are looked up by identity: pass the instances given to the constructor,
 * which are the ones every balancer of the group returns. An unknown target is a wiring bug and
 * throws {@link IllegalArgumentException}.
 *
 * <p>Thread-safe and lock-free; no allocation. Counters are padded to their own cache line, so
 * busy targets do not slow each other down through false sharing. Build one per upstream group
 * and config version, next to the balancer that reads it; a request started under an old version
 * finishes on the old instance it started on.
 */
public final class InFlight {
    /** Ints per counter: one 64-byte cache line. */
    private static final int STRIDE = 16;

    private final Map<UpstreamTarget, Integer> positions;
    private final AtomicIntegerArray counts;
    private final int size;

    public InFlight(List<UpstreamTarget> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets: [] (expected: at least one)");
        }
        Map<UpstreamTarget, Integer> map = new IdentityHashMap<>(targets.size() * 2);
        for (int i = 0; i < targets.size(); i++) {
            if (map.put(targets.get(i), i) != null) {
                throw new IllegalArgumentException("targets[" + i + "]: " + targets.get(i)
                        + " (expected: each instance once)");
            }
        }
        this.positions = map;
        this.size = targets.size();
        this.counts = new AtomicIntegerArray(size * STRIDE);
    }

    /** The target's position in the constructor's list, or -1 when it is not one of them. */
    public int indexOf(UpstreamTarget target) {
        Integer i = positions.get(target);
        return i == null ? -1 : i;
    }

    public void started(UpstreamTarget target) {
        counts.incrementAndGet(slot(target));
    }

    public void finished(UpstreamTarget target) {
        counts.decrementAndGet(slot(target));
    }

    public int get(UpstreamTarget target) {
        return counts.get(slot(target));
    }

    /** The in-flight count of the target at {@code index}; for balancers that scan by position. */
    int get(int index) {
        return counts.get(index * STRIDE);
    }

    int size() {
        return size;
    }

    private int slot(UpstreamTarget target) {
        int i = indexOf(target);
        if (i < 0) {
            throw new IllegalArgumentException("target: " + target + " (expected: one of this group's targets)");
        }
        return i * STRIDE;
    }
}
