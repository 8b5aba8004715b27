package dev.gateway.cluster;

import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.cluster.member.MemberInfo;
import dev.gateway.config.ClusterSettings;
import java.util.List;
import java.util.Objects;

/**
 * A dedicated, data-only member ({@code gateway-node member}): holds the shared state client-mode gateway nodes use,
 * with exactly the map configs, serializers, merge policy and split-brain protection an embedded node's member has
 * ({@link SharedMaps}), and no HTTP. Its entry processors run here, on the keys it owns.
 *
 * <p>A JVM shutdown (SIGTERM) hands its partitions over first (Hazelcast's graceful shutdown hook, at most 30 s), so
 * restarting members one at a time loses nothing. Thread-safe views, as {@link ClusterMember}'s.
 */
public final class DataMember implements AutoCloseable {
    private final ClusterMember member;

    private DataMember(ClusterMember member) {
        this.member = member;
    }

    /**
     * Starts the member and returns once it has joined a cluster (possibly of one).
     *
     * @throws IllegalArgumentException when {@code settings} is not an embedded-mode section, or {@code cluster.listen}
     *                                  is not an address of this machine
     * @throws IllegalStateException    when the member cannot start (its port in use, say)
     */
    public static DataMember start(ClusterSettings settings, String nodeName) {
        Objects.requireNonNull(settings, "settings");
        if (settings.mode() != ClusterSettings.Mode.EMBEDDED) {
            throw new IllegalArgumentException("cluster.mode: client (expected: embedded, or no mode: a member holds"
                    + " the state, it is not a client)");
        }
        return new DataMember(ClusterMember.start(settings, nodeName, config -> SharedMaps.register(config, settings)));
    }

    /** Null when joined and seeing at least {@code cluster.min-size} members; else why not. */
    public String notReadyReason() {
        return member.notReadyReason();
    }

    public List<MemberInfo> members() {
        return member.members();
    }

    /** Hazelcast clients (client-mode gateway nodes) connected to this member; -1 once stopped. */
    public int connectedClients() {
        return member.connectedClients();
    }

    /** Whether this member's partitions have their backups in sync: it could leave now without loss. */
    public boolean localPartitionsSafe() {
        return member.localPartitionsSafe();
    }

    public ClusterSettings settings() {
        return member.settings();
    }

    /**
     * Stops at once without handing anything over, as a killed process would (fault tests): its entries survive on
     * their backups.
     */
    public void kill() {
        member.hazelcast().getLifecycleService().terminate();
    }

    /** Leaves gracefully, handing partitions over first. Idempotent. */
    @Override
    public void close() {
        member.close();
    }
}
