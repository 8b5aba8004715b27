package dev.gateway.node.resilience;

import dev.gateway.limiter.breaker.BreakerSnapshot;
import dev.gateway.limiter.breaker.BreakerState;
import dev.gateway.limiter.breaker.Evidence;
import dev.gateway.limiter.breaker.SharedBreakerView;

/**
 * One upstream's breaker as {@code GET /admin/breakers} shows it.
 *
 * @param shared         whether it is shared by the cluster ({@code scope: cluster} on a clustered node)
 * @param stateHere      what this node acts on now
 * @param followsCluster whether that is the cluster's decision (false: the node's own breaker decides)
 * @param cluster        the cluster's view with each node's evidence, or null (node scope, or never heard)
 * @param localEvidence  this node's window
 * @param local          this node's own breaker (the fallback of a shared one)
 */
public record BreakerStatus(String upstream, boolean shared, BreakerState stateHere, boolean followsCluster,
                            SharedBreakerView cluster, Evidence localEvidence, BreakerSnapshot local) {
}
