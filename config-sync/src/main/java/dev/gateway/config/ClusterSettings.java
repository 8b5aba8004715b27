package dev.gateway.config;

import dev.gateway.config.internal.Check;

/**
 * The {@code cluster:} section. {@code expectedSize} is used for {@code local} fallback limits (embedded mode) and the
 * readiness quorum; below {@code minSize} members a node is on a minority side and not ready.
 *
 * <p>Quorum by default: a {@code minSize} of half of {@code expectedSize} or less would let both sides of a
 * split serve (split brain: each side enforces a whole quota, each side's config may move on), so it is refused
 * unless {@code allowMinority} says that is accepted.
 *
 * <p>{@code backups}: synchronous backups of each rate-limit and breaker entry. With one, a member's death loses
 * nothing, but two members dying at once lose the entries whose owner and backup were those two (their buckets
 * start full again: at most one extra {@code limit} per key). The default is 1 below 5 expected members, 2 from 5.
 *
 * <p>{@code mode}: {@link Mode#EMBEDDED} (the default) runs a Hazelcast member inside the node; {@link Mode#CLIENT}
 * connects the node as a Hazelcast client to dedicated members ({@code gateway-node member}) found through
 * {@code discovery}, and {@code listen} is then unused. In client mode {@code expectedSize}, {@code minSize} and
 * {@code backups} describe the members, not the gateway nodes (the {@code local} fallback then divides a limit by the
 * client nodes connected to the members, not by {@code expectedSize}).
 */
public record ClusterSettings(String name, HostPort listen, Discovery discovery, int expectedSize, int minSize,
                              boolean allowMinority, int backups, Mode mode) {
    /** Whether the node holds shared state itself or uses dedicated members. */
    public enum Mode {
        EMBEDDED, CLIENT;

        /** The config file's spelling: {@code embedded}, {@code client}. */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Hazelcast's most synchronous backups. */
    public static final int MAX_BACKUPS = 6;
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
        Check.that(backups >= 0 && backups <= MAX_BACKUPS, "backups", backups, "0.." + MAX_BACKUPS);
        Check.notNull(mode, "mode");
        Check.that(mode == Mode.EMBEDDED || discovery.multicast() == null, "mode", "client",
                "static or kubernetes discovery: a Hazelcast client does not find members by multicast");
    }

    /** Embedded-mode settings. */
    public ClusterSettings(String name, HostPort listen, Discovery discovery, int expectedSize, int minSize,
                           boolean allowMinority, int backups) {
        this(name, listen, discovery, expectedSize, minSize, allowMinority, backups, Mode.EMBEDDED);
    }

    /** These settings in {@code mode}. */
    public ClusterSettings withMode(Mode mode) {
        return new ClusterSettings(name, listen, discovery, expectedSize, minSize, allowMinority, backups, mode);
    }

    /** Settings that refuse a minority {@code minSize}, with the default backups. */
    public ClusterSettings(String name, HostPort listen, Discovery discovery, int expectedSize, int minSize) {
        this(name, listen, discovery, expectedSize, minSize, false);
    }

    /** Settings with the default backups for {@code expectedSize}. */
    public ClusterSettings(String name, HostPort listen, Discovery discovery, int expectedSize, int minSize,
                           boolean allowMinority) {
        this(name, listen, discovery, expectedSize, minSize, allowMinority, defaultBackups(expectedSize));
    }

    /** The default {@code backups}: 1, or 2 for clusters of 5 or more, where two failures at once are likelier. */
    public static int defaultBackups(int expectedSize) {
        return expectedSize >= 5 ? 2 : 1;
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
