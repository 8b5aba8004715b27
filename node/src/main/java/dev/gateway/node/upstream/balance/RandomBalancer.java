package dev.gateway.node.upstream.balance;

import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.upstream.Balancer;
import dev.gateway.node.upstream.UpstreamTarget;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Weighted random: each pick is independent and lands on a target with probability
 * weight / total weight. Thread-safe and lock-free ({@link ThreadLocalRandom}, an immutable
 * table); O(log n) per pick, no allocation. The request is not looked at.
 */
public final class RandomBalancer implements Balancer {
    private final CumulativeWeights weights;

    public RandomBalancer(List<UpstreamTarget> targets) {
        this.weights = new CumulativeWeights(targets);
    }

    @Override
    public UpstreamTarget pick(GatewayRequest request) {
        return weights.at(ThreadLocalRandom.current().nextLong(weights.total()));
    }
}
