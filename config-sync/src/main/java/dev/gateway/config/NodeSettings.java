package dev.gateway.config;

import dev.gateway.config.internal.Check;

/**
 * This node's own bootstrap settings (the {@code node:} section); not shared with the cluster.
 *
 * @param paths    how request paths are normalized before routing ({@code node.paths})
 * @param stateDir where the node keeps its last applied shared config (null: nowhere, so a node restarted
 *                 while its whole cluster is down comes back with its file's config); the command line
 *                 defaults it to {@code state/<name>}
 * @param clientAddress how the real client of a connection is found behind a balancer ({@code node.client-address})
 * @param http2    HTTP/2 towards clients ({@code node.http2}; off by default)
 */
public record NodeSettings(String name, HostPort listen, TlsListenerConfig tls, AdminSettings admin,
                           ListenerLimits limits, String stateDir, ClientAddressConfig clientAddress,
                           PathSettings paths, Http2Settings http2) {
    public static final String DEFAULT_NAME = "gateway";
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 8080);

    public NodeSettings {
        Check.name(name, "name");
        Check.notNull(listen, "listen");
        Check.notNull(admin, "admin");
        Check.notNull(limits, "limits");
        Check.that(stateDir == null || !stateDir.isBlank(), "stateDir", stateDir, "a directory path");
        Check.notNull(clientAddress, "clientAddress");
        Check.notNull(paths, "paths");
        Check.notNull(http2, "http2");
    }

    /** With HTTP/2 off. */
    public NodeSettings(String name, HostPort listen, TlsListenerConfig tls, AdminSettings admin,
                        ListenerLimits limits, String stateDir, ClientAddressConfig clientAddress, PathSettings paths) {
        this(name, listen, tls, admin, limits, stateDir, clientAddress, paths, Http2Settings.defaults());
    }

    /** Settings with the default {@code client-address} (every client is its socket address) and {@code paths}. */
    public NodeSettings(String name, HostPort listen, TlsListenerConfig tls, AdminSettings admin,
                        ListenerLimits limits, String stateDir) {
        this(name, listen, tls, admin, limits, stateDir, ClientAddressConfig.defaults(), PathSettings.defaults());
    }

    /** With the default {@link PathSettings}. */
    public NodeSettings(String name, HostPort listen, TlsListenerConfig tls, AdminSettings admin,
                        ListenerLimits limits, String stateDir, ClientAddressConfig clientAddress) {
        this(name, listen, tls, admin, limits, stateDir, clientAddress, PathSettings.defaults());
    }

    /** With the default {@code client-address}. */
    public NodeSettings(String name, HostPort listen, TlsListenerConfig tls, AdminSettings admin,
                        ListenerLimits limits, String stateDir, PathSettings paths) {
        this(name, listen, tls, admin, limits, stateDir, ClientAddressConfig.defaults(), paths);
    }

    /** These settings with {@code stateDir} as the state directory. */
    public NodeSettings withStateDir(String dir) {
        return new NodeSettings(name, listen, tls, admin, limits, dir, clientAddress, paths, http2);
    }

    /**
     * Name {@code gateway}, listen 127.0.0.1:8080, admin 127.0.0.1:9901, no TLS, default limits, no state
     * directory, the default client address.
     */
    public static NodeSettings defaults() {
        return new NodeSettings(DEFAULT_NAME, DEFAULT_LISTEN, null, AdminSettings.defaults(), ListenerLimits.defaults(), null,
                PathSettings.defaults());
    }
}
