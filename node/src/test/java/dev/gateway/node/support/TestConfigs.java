package dev.gateway.node.support;

import dev.gateway.config.ConfigCodec;
import dev.gateway.config.ConfigException;
import dev.gateway.config.GatewayConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Config text for tests: a loopback node on ephemeral ports, observability off, plus the test's own sections. */
public final class TestConfigs {
    /** Kept strongly reachable: java.util.logging forgets levels of loggers nobody references. */
    private static final Logger GRIZZLY_LOG = Logger.getLogger("org.glassfish.grizzly");

    static {
        GRIZZLY_LOG.setLevel(Level.WARNING);
    }

    public static final String NODE = "node: {name: gw-test, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}}\n";
    public static final String OBSERVABILITY =
            "observability: {access-log: {format: \"off\"}, tracing: {propagate: \"off\"}}\n";

    private TestConfigs() {
    }

    /** Parses a whole document as written (no sections added). */
    public static GatewayConfig parse(String yaml) {
        try {
            return ConfigCodec.parse(yaml, name -> null);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("invalid test config: " + e.errors() + "\n" + yaml, e);
        }
    }

    /** The standard node and observability sections around {@code sharedYaml} (upstreams, routes, ...). */
    public static GatewayConfig withDefaults(String sharedYaml) {
        return parse(NODE + OBSERVABILITY + sharedYaml);
    }

    /**
     * A node named {@code name} on loopback ports with {@code nodeLines} added to its {@code node} section (one
     * setting per line, e.g. {@code "http2: {enabled: true}"}) and one route, {@code /**}, to an upstream
     * {@code echo} at {@code 127.0.0.1:upstreamPort}.
     */
    public static GatewayConfig echoNode(String name, String nodeLines, int upstreamPort) {
        StringBuilder node = new StringBuilder("node:\n  name: " + name
                + "\n  listen: 127.0.0.1:0\n  admin: {listen: 127.0.0.1:0}\n");
        nodeLines.lines().forEach(line -> node.append("  ").append(line.strip()).append('\n'));
        return parse(node + OBSERVABILITY + """
                upstreams:
                  echo: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: all, match: {path: /**}, upstream: echo}
                """.formatted(upstreamPort));
    }

    /** A loopback port that nothing listens on (bound, then released). */
    public static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
