package dev.gateway.config.feed;

import java.util.Map;

/**
 * Which config each node runs, as the nodes report it. Kept beside the feed so that any node can show the
 * whole cluster's view ({@code GET /admin/cluster}). Reports of nodes that left stay until they are
 * replaced; readers join them with the live member list.
 */
public interface AppliedVersions {
    /** Records {@code state} as its node's current state, replacing the previous report. */
    void report(NodeConfigState state);

    /** Every node's latest report, by node name. */
    Map<String, NodeConfigState> all();
}
