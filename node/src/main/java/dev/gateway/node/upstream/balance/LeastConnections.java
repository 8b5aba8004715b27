package dev.gateway.node.upstream.balance;

import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.upstream.Balancer;
import dev.gateway.node.upstream.UpstreamTarget;
import dev.gateway.node.upstream.WeightedRoundRobin;
import java.util.List;

/**
 * Picks the target with the fewest requests in flight per unit of weight
 * ({@code inFlight / weight}, compared exactly by cross-multiplication), as counted by the
 * group's {@link InFlight}, which the caller keeps up to date around each upstream call.
 *
 * <p>Ties: the scan starts at the target a {@link WeightedRoundRobin} over the same targets names,
 * and the first target with the lowest load from there on wins. So an idle group (every target
 * tied at zero, the usual case for fast upstreams) is served in weighted round-robin order, and
 * targets tied under load take turns instead of the first in the list taking them all.
 *
 * <p>Thread-safe, lock-free, no allocation. The counts are read without a snapshot, so
 * concurrent picks may see slightly stale counts and choose the same target; the error is
 * bounded by the number of concurrent picks. A pick costs O(n) reads of an int array: an exact
 * minimum over counters that change on every request cannot be kept in a sorted structure
 * without locking, and n (targets of one upstream) is small.
 */
public final class LeastConnections implements Balancer {
    private final UpstreamTarget[] targets;
    private final int[] weights;
    private final InFlight inFlight;
    private final WeightedRoundRobin rotation;

    /** @param inFlight built from this same {@code targets} list (same instances, same order) */
    public LeastConnections(List<UpstreamTarget> targets, InFlight inFlight) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets: [] (expected: at least one)");
        }
        this.targets = targets.toArray(UpstreamTarget[]::new);
        this.weights = new int[this.targets.length];
        for (int i = 0; i < this.targets.length; i++) {
            if (inFlight.indexOf(this.targets[i]) != i) {
                throw new IllegalArgumentException("inFlight: built for other targets (expected: the same list, "
                        + "same order, as targets)");
            }
            weights[i] = this.targets[i].weight();
        }
        if (inFlight.size() != this.targets.length) {
            throw new IllegalArgumentException("inFlight: " + inFlight.size() + " targets (expected: "
                    + this.targets.length + ")");
        }
        this.inFlight = inFlight;
        this.rotation = new WeightedRoundRobin(targets);
    }

    @Override
    public UpstreamTarget pick(GatewayRequest request) {
        int n = targets.length;
        int start = inFlight.indexOf(rotation.pick(request));
        int best = start;
        long bestLoad = inFlight.get(start);
        long bestWeight = weights[start];
        for (int step = 1; step < n && bestLoad > 0; step++) {
            int i = start + step < n ? start + step : start + step - n;
            long load = inFlight.get(i);
            // load / weights[i] < bestLoad / bestWeight, without division.
            if (load * bestWeight < bestLoad * weights[i]) {
                best = i;
                bestLoad = load;
                bestWeight = weights[i];
            }
        }
        return targets[best];
    }
}
