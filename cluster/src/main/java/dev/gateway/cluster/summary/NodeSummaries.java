package dev.gateway.cluster.summary;

import java.util.Map;

/**
 * Where nodes leave their {@link NodeSummary} for each other: this process's memory ({@link LocalNodeSummaries}) or
 * a Hazelcast map every member reads ({@link HazelcastNodeSummaries}). A summary lives for the store's time to live
 * unless its node publishes again: a node that stopped publishing (left, died, cut off) disappears on its own.
 */
public interface NodeSummaries {
    /** Stores {@code summary} as its node's latest, replacing the previous one; best effort, never blocks. */
    void publish(NodeSummary summary);

    /**
     * Every node's latest summary still within its time to live, by node name.
     *
     * @throws IllegalStateException when the cluster does not answer within the store's timeout
     */
    Map<String, NodeSummary> all();
}
