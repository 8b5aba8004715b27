package dev.gateway.cluster;

import dev.gateway.cluster.limits.HazelcastRateLimiter;
import dev.gateway.cluster.limits.RateLimitMaps;
import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.cluster.member.MemberInfo;
import dev.gateway.config.ClusterSettings;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.limiter.Ticker;
import java.time.Duration;
import java.util.List;

/**
 * This node's part of the cluster, as the node sees it: its Hazelcast member and the shared
 * services built on it, behind plain Java types (no Hazelcast type leaves this module).
 * Started once per node process; {@link #close()} leaves the cluster gracefully, handing the
 * member's partitions over so that no quota state is lost.
 */
public final class GatewayCluster implements AutoCloseable {
    /** Longest a rate-limit check may wait on the cluster before the policy's fallback applies. */
    public static final Duration RATE_LIMIT_TIMEOUT = Duration.ofMillis(250);

    private final ClusterMember member;
    private final RateLimiter rateLimiter;

    private GatewayCluster(ClusterMember member, RateLimiter rateLimiter) {
        this.member = member;
        this.rateLimiter = rateLimiter;
    }

    /**
     * Starts this node's member and joins the cluster of {@code settings}.
     *
     * @throws IllegalArgumentException when {@code cluster.listen} is not an address of this machine
     * @throws IllegalStateException    when the member cannot start (its port in use, for instance)
     */
    public static GatewayCluster start(ClusterSettings settings, String nodeName) {
        ClusterMember member = ClusterMember.start(settings, nodeName, config -> {
            RateLimitMaps.register(config);
            config.getMapConfig(RateLimitMaps.BUCKETS_MAP).setSplitBrainProtectionName(ClusterMember.QUORUM_NAME);
            config.getMapConfig(RateLimitMaps.WINDOWS_MAP).setSplitBrainProtectionName(ClusterMember.QUORUM_NAME);
            // The node drains its requests first and then closes the member itself.
            config.setProperty("hazelcast.shutdownhook.enabled", "false");
        });
        return new GatewayCluster(member,
                new HazelcastRateLimiter(member.hazelcast(), Ticker.system(), RATE_LIMIT_TIMEOUT));
    }

    /** Sets up the JVM for Hazelcast's async callbacks; call first thing in main, before anything uses the common pool. */
    public static int prepareJvm() {
        return ClusterMember.raiseCommonPoolParallelism(8);
    }

    /** Global buckets, owned by the member that owns each key, with one synchronous backup. */
    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    /** Null when joined and on the majority side (at least {@code min-size} members); else why not. */
    public String notReadyReason() {
        return member.notReadyReason();
    }

    public boolean hasQuorum() {
        return member.hasQuorum();
    }

    public int size() {
        return member.size();
    }

    /** Members as this node sees them, the oldest (master) first. */
    public List<MemberInfo> members() {
        return member.members();
    }

    /** Whether every partition this member owns has its backups in sync (cheap, local). */
    public boolean localPartitionsSafe() {
        return member.localPartitionsSafe();
    }

    public ClusterSettings settings() {
        return member.settings();
    }

    @Override
    public void close() {
        member.close();
    }
}
