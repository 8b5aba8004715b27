package dev.gateway.node.upstream.ahc;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.upstream.StalledUpstreamBodyTest;

/** The stalled-body bounds with the AHC upstream client ({@code -Dgateway.upstream-client=ahc}). */
class AhcStalledUpstreamBodyTest extends StalledUpstreamBodyTest {
    @Override
    protected GatewayNode startNode(String yaml) throws Exception {
        return AhcNodes.start(yaml);
    }
}
