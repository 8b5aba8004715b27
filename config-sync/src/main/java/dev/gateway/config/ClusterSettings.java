package dev.gateway.config;

import dev.gateway.config.internal.Check;

/**
 * The {@code cluster:} section. {@code expectedSize} is used for {@code local} fallback limits and the
 * readiness quorum; below {@code minSize} members a node is on a minority side and not ready.
 */
public record ClusterSettings(String name, HostPort listen, Discovery discovery, int expectedSize, int minSize) {
    public static final String DEFAULT_NAME = "gateway";
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 5701);

    public ClusterSettings {
        Check.name(name, "name");
        Check.notNull(listen, "listen");
        Check.notNull(discovery, "discovery");
        Check.atLeast(expectedSize, 1, "expectedSize");
        Check.that(minSize >= 1 && minSize <= expectedSize, "minSize", minSize, "1..expected-size (" + expectedSize + ")");
    }

    /** The default {@code expected-size}: the static member count, or 1 with multicast. */
    public static int defaultExpectedSize(Discovery discovery) {
        return Math.max(1, discovery.staticMembers().size());
    }

    /** The default {@code min-size}: a strict majority of {@code expectedSize}. */
    public static int defaultMinSize(int expectedSize) {
        return expectedSize / 2 + 1;
    }
}
