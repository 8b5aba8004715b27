package dev.gateway.node.upstream.balance;

import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.upstream.Balancer;
import dev.gateway.node.upstream.UpstreamTarget;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Key affinity that survives target changes: a hash ring on which each target owns
 * {@value #POINTS_PER_WEIGHT} points per unit of weight, placed by a fixed hash of its
 * {@code host:port}. A request goes to the owner of the first point at or after the hash of its
 * key (wrapping around), so adding a target to n moves about 1/(n+1) of the keys, all to the new
 * target, and removing one moves only the keys it owned.
 *
 * <p>The key is the first value of the configured header; a request without it (or with an empty
 * value) falls back to its client address, and one with neither to the empty string. The ring
 * depends only on the targets' keys and weights, never on list order or the JVM, so every node
 * agrees. When the total weight would need more than {@value #MAX_POINTS} points, every target's
 * share is scaled down (at least one point each), and a change of targets then also shifts keys
 * between existing targets.
 *
 * <p>Thread-safe (immutable); O(log points) per pick, no allocation.
 */
public final class ConsistentHash implements Balancer {
    static final int POINTS_PER_WEIGHT = 160;
    static final int MAX_POINTS = 1 << 18;

    private final String hashHeader;
    private final long[] points;
    private final UpstreamTarget[] owners;

    public ConsistentHash(List<UpstreamTarget> targets, String hashHeader) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets: [] (expected: at least one)");
        }
        this.hashHeader = Objects.requireNonNull(hashHeader, "hashHeader");
        int[] counts = pointCounts(targets);
        int total = Arrays.stream(counts).sum();
        long[] rawPoints = new long[total];
        int[] rawOwners = new int[total];
        int p = 0;
        for (int i = 0; i < counts.length; i++) {
            long seed = Hashing.hash(targets.get(i).key());
            for (int n = 0; n < counts[i]; n++) {
                rawPoints[p] = Hashing.sequence(seed, n);
                rawOwners[p++] = i;
            }
        }
        // Equal points (practically never) are ordered by target key, so the ring does not depend on list order.
        Integer[] order = new Integer[total];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.<Integer>comparingLong(i -> rawPoints[i])
                .thenComparing(i -> targets.get(rawOwners[i]).key())
                .thenComparingInt(i -> rawOwners[i]));
        this.points = new long[total];
        this.owners = new UpstreamTarget[total];
        for (int i = 0; i < total; i++) {
            points[i] = rawPoints[order[i]];
            owners[i] = targets.get(rawOwners[order[i]]);
        }
    }

    @Override
    public UpstreamTarget pick(GatewayRequest request) {
        String key = request.headers().get(hashHeader);
        if (key == null || key.isEmpty()) {
            key = request.exchange().clientAddress();
        }
        return owners[firstAtOrAfter(Hashing.hash(key == null ? "" : key))];
    }

    /** Lower bound over the sorted ring, wrapping past the last point to the first. */
    private int firstAtOrAfter(long hash) {
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (points[mid] < hash) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == points.length ? 0 : lo;
    }

    private static int[] pointCounts(List<UpstreamTarget> targets) {
        long totalWeight = 0;
        for (int i = 0; i < targets.size(); i++) {
            int weight = targets.get(i).weight();
            if (weight < 1) {
                throw new IllegalArgumentException("targets[" + i + "].weight: " + weight + " (expected: >= 1)");
            }
            totalWeight += weight;
        }
        long wanted = totalWeight * POINTS_PER_WEIGHT;
        int[] counts = new int[targets.size()];
        for (int i = 0; i < counts.length; i++) {
            long points = (long) targets.get(i).weight() * POINTS_PER_WEIGHT;
            counts[i] = wanted <= MAX_POINTS ? (int) points : (int) Math.max(1, points * MAX_POINTS / wanted);
        }
        return counts;
    }
}
