package dev.gateway.node.upstream.balance;

import dev.gateway.node.upstream.UpstreamTarget;
import java.util.List;

/**
 * Targets laid end to end on a line of length {@link #total()}, each as long as its weight:
 * a point on the line names a target in O(log n). Immutable.
 */
final class CumulativeWeights {
    private final UpstreamTarget[] targets;
    /** ends[i]: the exclusive end of target i's segment. */
    private final long[] ends;

    CumulativeWeights(List<UpstreamTarget> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets: [] (expected: at least one)");
        }
        this.targets = targets.toArray(UpstreamTarget[]::new);
        this.ends = new long[this.targets.length];
        long sum = 0;
        for (int i = 0; i < this.targets.length; i++) {
            int weight = this.targets[i].weight();
            if (weight < 1) {
                throw new IllegalArgumentException("targets[" + i + "].weight: " + weight + " (expected: >= 1)");
            }
            sum += weight;
            ends[i] = sum;
        }
    }

    long total() {
        return ends[ends.length - 1];
    }

    /** The target whose segment holds {@code point}, for {@code 0 <= point < total()}. */
    UpstreamTarget at(long point) {
        int lo = 0;
        int hi = ends.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] > point) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return targets[lo];
    }
}
