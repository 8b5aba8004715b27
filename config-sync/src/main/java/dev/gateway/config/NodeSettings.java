package dev.gateway.config;

import dev.gateway.config.internal.Check;

/** This node's own bootstrap settings (the {@code node:} section); not shared with the cluster. */
public record NodeSettings(String name, HostPort listen, TlsListenerConfig tls, AdminSettings admin,
                           ListenerLimits limits) {
    public static final String DEFAULT_NAME = "gateway";
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 8080);

    public NodeSettings {
        Check.name(name, "name");
        Check.notNull(listen, "listen");
        Check.notNull(admin, "admin");
        Check.notNull(limits, "limits");
    }

    /** Name {@code gateway}, listen 127.0.0.1:8080, admin 127.0.0.1:9901, no TLS, default limits. */
    public static NodeSettings defaults() {
        return new NodeSettings(DEFAULT_NAME, DEFAULT_LISTEN, null, AdminSettings.defaults(), ListenerLimits.defaults());
    }
}
