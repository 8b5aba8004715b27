package dev.gateway.node.upstream.balance;

import dev.gateway.config.Balancing;
import dev.gateway.node.upstream.Balancer;
import dev.gateway.node.upstream.UpstreamTarget;
import dev.gateway.node.upstream.WeightedRoundRobin;
import java.util.List;
import java.util.Objects;

/** Builds the {@link Balancer} an upstream's {@code balancing} setting names. */
public final class Balancers {
    private Balancers() {
    }

    /**
     * @param targets  the group's targets; every balancer returns these same instances
     * @param inFlight the group's in-flight counts, built from {@code targets}; read only by
     *                 {@code least-connections}, may be null for every other kind
     * @throws IllegalArgumentException when {@code targets} is empty or {@code inFlight} does not
     *                                  belong to {@code targets}
     */
    public static Balancer of(Balancing config, List<UpstreamTarget> targets, InFlight inFlight) {
        Objects.requireNonNull(config, "config");
        return switch (config.kind()) {
            case ROUND_ROBIN -> new WeightedRoundRobin(targets);
            case LEAST_CONNECTIONS -> new LeastConnections(targets,
                    Objects.requireNonNull(inFlight, "inFlight (required by least-connections)"));
            case IP_HASH -> new IpHash(targets);
            case CONSISTENT_HASH -> new ConsistentHash(targets, config.hashHeader());
            case RANDOM -> new RandomBalancer(targets);
        };
    }
}
