package dev.gateway.config;

import dev.gateway.config.internal.Check;

/**
 * The {@code cluster:} section. {@code expectedSize} is used for {@code local} fallback limits and the
 * readiness quorum; below {@code minSize} members a node is on a minority side and not ready.
 *
 * <p>Quorum by default: a {@code minSize} of half of {@code expectedSize} or less would let both sides of a
 * split serve (split brain: each side enforces a whole quota, each side's config may move on), so it is refused
 * unless {@code allowMinority} says that is accepted.
 */
public record ClusterSettings(String name, HostPort listen, Discovery discovery, int expectedSize, int minSize,
                              boolean allowMinority) {
    public static final String DEFAULT_NAME = "gateway";
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 5701);

    public ClusterSettings {
        Check.name(name, "name");
        Check.notNull(listen, "listen");
        Check.notNull(discovery, "discovery");
        Check.atLeast(expectedSize, 1, "expectedSize");
        Check.that(minSize >= 1 && minSize <= expectedSize, "minSize", minSize, "1..expected-size (" + expectedSize + ")");
        Check.that(allowMinority || minSize > expectedSize / 2, "minSize", minSize,
                "more than half of expected-size " + expectedSize + ", at least " + defaultMinSize(expectedSize)
                        + "; or allow-minority: true to accept that both sides of a split serve");
    }

    /** Settings that refuse a minority {@code minSize}. */
    public ClusterSettings(String name, HostPort listen, Discovery discovery, int expectedSize, int minSize) {
        this(name, listen, discovery, expectedSize, minSize, false);
    }

    /** The default {@code expected-size}: the static member count (multicast has none: it must be given). */
    public static int defaultExpectedSize(Discovery discovery) {
        return Math.max(1, discovery.staticMembers().size());
    }

    /** The default {@code min-size}: a strict majority of {@code expectedSize}. */
    public static int defaultMinSize(int expectedSize) {
        return expectedSize / 2 + 1;
    }
}
