package dev.gateway.cluster;

import dev.gateway.cluster.cache.HazelcastResponseStore;
import dev.gateway.cluster.cache.ResponseStore;
import dev.gateway.cluster.breakers.HazelcastBreakerBoard;
import dev.gateway.cluster.config.HazelcastAppliedVersions;
import dev.gateway.cluster.config.HazelcastConfigFeed;
import dev.gateway.cluster.limits.HazelcastRateLimiter;
import dev.gateway.cluster.member.ClientInfo;
import dev.gateway.cluster.member.ClusterClient;
import dev.gateway.cluster.member.ClusterConnection;
import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.cluster.member.MemberClock;
import dev.gateway.cluster.member.MemberInfo;
import dev.gateway.cluster.summary.HazelcastNodeSummaries;
import dev.gateway.cluster.summary.NodeSummaries;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.feed.AppliedVersions;
import dev.gateway.config.feed.ConfigFeed;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.limiter.Ticker;
import dev.gateway.limiter.breaker.BreakerBoard;
import dev.gateway.limiter.breaker.BreakerViews;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This node's part of the cluster, as the node sees it: its Hazelcast member (or, with {@code cluster.mode: client},
 * its Hazelcast client of dedicated members) and the shared services built on it, behind plain Java types (no Hazelcast type leaves this module).
 * Started once per node process; {@link #close()} leaves the cluster gracefully, handing the
 * member's partitions over so that no quota state is lost.
 */
public final class GatewayCluster implements AutoCloseable {
    /** Longest a rate-limit check may wait on the cluster before the policy's fallback applies. */
    public static final Duration RATE_LIMIT_TIMEOUT = Duration.ofMillis(500);
    private static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(5);
    /** Longest a config publish or read waits for the cluster. */
    public static final Duration CONFIG_TIMEOUT = Duration.ofSeconds(5);
    /** Longest a cache lookup waits for the entry's owner before it counts as a miss. */
    public static final Duration CACHE_TIMEOUT = Duration.ofMillis(100);
    /** Longest a breaker report or probe request waits for the entry's owner (off the request path). */
    public static final Duration BREAKER_TIMEOUT = Duration.ofSeconds(1);
    /** How often a node checks the cluster's config version even without an event. */
    public static final Duration CONFIG_POLL = Duration.ofMillis(500);

    private final ClusterConnection member;
    private final HazelcastRateLimiter rateLimiter;
    private final HazelcastConfigFeed configFeed;
    private final AppliedVersions appliedVersions;
    private final HazelcastBreakerBoard breakers;
    private final HazelcastResponseStore responses;
    private final ClusterMember.Subscription membership;
    private final ScheduledExecutorService refresher;
    private volatile boolean partitionsSafe;

    private GatewayCluster(ClusterConnection member, HazelcastRateLimiter rateLimiter) {
        this.member = member;
        this.rateLimiter = rateLimiter;
        this.configFeed = new HazelcastConfigFeed(member.hazelcast(), CONFIG_TIMEOUT, CONFIG_POLL);
        this.appliedVersions = new HazelcastAppliedVersions(member.hazelcast(), CONFIG_TIMEOUT);
        this.breakers = new HazelcastBreakerBoard(member.hazelcast(), Ticker.system(), BREAKER_TIMEOUT);
        this.responses = new HazelcastResponseStore(member.hazelcast(), CACHE_TIMEOUT);
        // a member joined, left or a split healed: the config may have moved without an event reaching us
        this.membership = member.addMembershipListener(configFeed::catchUp);
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gateway-cluster-view");
            t.setDaemon(true);
            return t;
        });
        // Hazelcast's safety check can wait seconds for replica syncs after a member dies: it runs
        // here, in the background, never on an admin or request thread.
        refresher.scheduleWithFixedDelay(() -> partitionsSafe = member.localPartitionsSafe(), 0, 2, TimeUnit.SECONDS);
    }

    /**
     * Starts this node's member and joins the cluster of {@code settings}.
     *
     * @throws IllegalArgumentException when {@code cluster.listen} is not an address of this machine
     * @throws IllegalStateException    when the member cannot start (its port in use, for instance)
     */
    public static GatewayCluster start(ClusterSettings settings, String nodeName) {
        ClusterConnection member = settings.mode() == ClusterSettings.Mode.CLIENT
                ? ClusterClient.start(settings, nodeName, config -> SharedMaps.register(config, settings))
                : ClusterMember.start(settings, nodeName, config -> {
                    SharedMaps.register(config, settings);
                    // The node drains its requests first and then closes the member itself.
                    config.setProperty("hazelcast.shutdownhook.enabled", "false");
                });
        GatewayCluster cluster = new GatewayCluster(member,
                new HazelcastRateLimiter(member.hazelcast(), RATE_LIMIT_TIMEOUT));
        cluster.warmUp(nodeName);
        return cluster;
    }

    /**
     * Runs each kind of distributed check once, generously bounded, before the node serves: the
     * first calls load classes and open member connections, and would otherwise miss the
     * request-path timeout and fall back.
     */
    private void warmUp(String nodeName) {
        LimitSpec bucket = LimitSpec.of(LimitSpec.Algorithm.TOKEN_BUCKET, 1, Duration.ofSeconds(1), null);
        LimitSpec window = LimitSpec.of(LimitSpec.Algorithm.SLIDING_WINDOW, 1, Duration.ofSeconds(1), null);
        for (int i = 0; i < 3; i++) {
            try {
                HazelcastRateLimiter slow = new HazelcastRateLimiter(member.hazelcast(), WARM_UP_TIMEOUT);
                slow.peek("gateway.warm-up/" + nodeName + "/" + i, bucket).toCompletableFuture().join();
                slow.peek("gateway.warm-up/" + nodeName + "/" + i, window).toCompletableFuture().join();
            } catch (RuntimeException e) {
                // Not fatal: readiness reports a cluster that is not there; the request path falls back.
                return;
            }
        }
    }

    /** Sets up the JVM for Hazelcast's async callbacks; call first thing in main, before anything uses the common pool. */
    public static int prepareJvm() {
        return ClusterMember.raiseCommonPoolParallelism(8);
    }

    /** Global buckets, owned by the member that owns each key, with one synchronous backup. */
    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    /** The cluster's shared config versions. */
    public ConfigFeed configFeed() {
        return configFeed;
    }

    /** Which config version each node runs, as the nodes report it. */
    public AppliedVersions appliedVersions() {
        return appliedVersions;
    }

    /**
     * Every node's summary for the console, each living {@code ttl} unless renewed; reads wait at most
     * {@link #CONFIG_TIMEOUT}.
     */
    public NodeSummaries nodeSummaries(Duration ttl) {
        return new HazelcastNodeSummaries(member.hazelcast(), ttl, CONFIG_TIMEOUT);
    }

    /** The last config versions the cluster ran, shared by every member (the console's config history). */
    public dev.gateway.cluster.history.ConfigHistory configHistory() {
        return new dev.gateway.cluster.history.HazelcastConfigHistory(member.hazelcast(), CONFIG_TIMEOUT);
    }

    /** The cluster's admin writes (the console's audit log). */
    public dev.gateway.cluster.history.AuditLog auditLog() {
        return new dev.gateway.cluster.history.HazelcastAuditLog(member.hazelcast(), CONFIG_TIMEOUT);
    }

    /** The response cache shared by the cluster ({@code scope: cluster} routes). */
    public ResponseStore responseStore() {
        return responses;
    }

    /**
     * The nodes holding the shared-state entry {@code key} (a bucket key, or an upstream's name for its breaker),
     * owner first, then its backups; empty while unknown. The rate-limit and breaker maps keep
     * {@code cluster.backups} backups, so losing every node listed loses the entry.
     */
    public List<String> replicasOf(String key) {
        return member.replicasOf(key, member.settings().backups());
    }

    /** Rate-limit checks of this node that travelled to their owner in another check's call (coalesced). */
    public long coalescedRateLimitChecks() {
        return rateLimiter.coalescedChecks();
    }

    /** Entries of the shared response cache across the cluster. */
    public long responseStoreEntries() {
        return responses.entries();
    }

    /** The cluster's circuit breakers: each upstream's entry decided by its owner. */
    public BreakerBoard breakerBoard() {
        return breakers;
    }

    /** Every upstream's shared breaker as the cluster sees it, and its changes. */
    public BreakerViews breakerViews() {
        return breakers;
    }

    /**
     * The cluster's time now (epoch ms): Hazelcast's cluster time, the master's wall clock as this member tracks
     * it, the clock every shared bucket, window and breaker is decided by ({@link MemberClock}).
     */
    public long clusterTimeMillis() {
        return MemberClock.epochMillis(member.hazelcast());
    }

    /** {@code embedded}: this node runs a member; {@code client}: it is a client of dedicated members. */
    public ClusterSettings.Mode mode() {
        return member.settings().mode();
    }

    /**
     * The client-mode gateway nodes: on an embedded node those connected to its member, on a client-mode node every
     * one the members know (itself included), as {@link ClusterConnection#clients()}.
     */
    public List<ClientInfo> clients() {
        return member.clients();
    }

    /**
     * How many gateway nodes share the cluster's limits, what the {@code local} rate-limit fallback divides a limit
     * by: {@code cluster.expected-size} for embedded nodes (each node is a member); for client-mode nodes (where
     * {@code expected-size} counts the members) the clients the members last reported, at least 1. A client node
     * cut off from its members keeps the count it last had.
     */
    public int gatewayNodes() {
        return mode() == ClusterSettings.Mode.CLIENT ? Math.max(1, member.clients().size())
                : member.settings().expectedSize();
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

    /** Whether every partition this member owns had its backups in sync at the last check (every 2 s). */
    public boolean localPartitionsSafe() {
        return partitionsSafe;
    }

    public ClusterSettings settings() {
        return member.settings();
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        membership.close();
        configFeed.close();
        breakers.close();
        member.close();
    }
}
