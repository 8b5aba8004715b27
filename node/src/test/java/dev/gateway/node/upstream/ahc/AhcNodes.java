package dev.gateway.node.upstream.ahc;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.TestConfigs;

/** Starts a node whose upstream client is the AHC one (the property is set only while the node starts). */
final class AhcNodes {
    private static final String PROPERTY = "gateway.upstream-client";

    private AhcNodes() {
    }

    /** A node from {@code yaml} (completed by {@link TestConfigs#withDefaults}) with the AHC upstream client. */
    static GatewayNode start(String yaml) throws Exception {
        String previous = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, "ahc");
        try {
            return GatewayNode.start(TestConfigs.withDefaults(yaml));
        } finally {
            if (previous == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, previous);
            }
        }
    }
}
