package dev.gateway.node.upstream.ahc;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.StreamingResponseTest;

/** Streaming responses piece by piece with the AHC upstream client ({@code -Dgateway.upstream-client=ahc}). */
class AhcStreamingResponseTest extends StreamingResponseTest {
    @Override
    protected GatewayNode startNode(String yaml) throws Exception {
        return AhcNodes.start(yaml);
    }
}
