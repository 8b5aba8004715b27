package dev.gateway.node.runtime;

import dev.gateway.config.GatewayConfig;
import dev.gateway.config.SharedConfig;
import dev.gateway.config.UpstreamConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Lists the parts of a valid config that this node does not implement yet. A node refuses to
 * start (and a reload is refused) rather than silently ignore a security or traffic setting the
 * user relies on. Each entry shrinks as its capability lands.
 */
public final class FeatureGate {
    private FeatureGate() {
    }

    public static List<String> unsupported(GatewayConfig config) {
        List<String> out = new ArrayList<>();
        out.addAll(unsupported(config.shared()));
        return out;
    }

    public static List<String> unsupported(SharedConfig shared) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, UpstreamConfig> e : shared.upstreams().entrySet()) {
            String at = "upstreams." + e.getKey();
            UpstreamConfig u = e.getValue();
            addIf(out, ahcClient() && u.targets().stream().anyMatch(t -> t.tls()),
                    at + ".targets: https (upstream TLS with -Dgateway.upstream-client=ahc)");
            addIf(out, ahcClient() && u.protocol().http2(),
                    at + ".protocol: " + u.protocol()
                            + " (HTTP/2 upstreams with -Dgateway.upstream-client=ahc)");
        }
        return out;
    }

    /** The node runs the alternative upstream client (see NodeServers), which does not do upstream TLS. */
    private static boolean ahcClient() {
        return "ahc".equals(System.getProperty("gateway.upstream-client", "lean"));
    }

    private static void addIf(List<String> out, boolean condition, String what) {
        if (condition) {
            out.add(what);
        }
    }
}
