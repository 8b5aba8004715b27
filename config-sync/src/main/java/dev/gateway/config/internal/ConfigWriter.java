package dev.gateway.config.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.config.GatewayConfig;
import dev.gateway.config.SharedConfig;

/** Builds the canonical tree of a config; {@code ConfigCodec} renders it as YAML or JSON. */
public final class ConfigWriter {
    private ConfigWriter() {
    }

    public static ObjectNode tree(GatewayConfig c) {
        Json root = Json.object()
                .put("node", NodeSectionWriter.node(c.node()))
                .put("cluster", NodeSectionWriter.cluster(c.cluster()));
        SharedWriter.write(c.shared(), root);
        return root.node();
    }

    public static ObjectNode tree(SharedConfig s) {
        Json root = Json.object();
        SharedWriter.write(s, root);
        return root.node();
    }
}
