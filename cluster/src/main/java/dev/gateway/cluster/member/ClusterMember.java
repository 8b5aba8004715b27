package dev.gateway.cluster.member;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.DiscoveryStrategyConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.LifecycleService;
import com.hazelcast.logging.ILogger;
import dev.gateway.config.ClusterSettings;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;

/**
 * This node's embedded Hazelcast member: the one place a {@link HazelcastInstance} is created, configured from
 * the {@code cluster:} section, and the cluster views the node needs (readiness, {@code /admin/cluster}) in
 * plain Java types, so that the node module never imports {@code com.hazelcast}.
 *
 * <p>What {@link #start} configures (see {@code MemberConfig} for each value and why): the cluster name; the
 * member listens on exactly {@code cluster.listen} (no port auto-increment; bound to that interface only and
 * announcing it as its public address, unless the host is {@code 0.0.0.0}); it finds peers only through the
 * configured static list or multicast group (auto-detection, cloud discovery and the discovery SPI off);
 * phone-home off; Java deserialization limited to an allow-list; Hazelcast logs through slf4j when slf4j is
 * on the classpath; a killed member is dropped after about 5 s without heartbeat; healed partitions merge
 * after 5 s; a JVM shutdown hands partitions over (graceful, at most 30 s). Hazelcast OSS has no member
 * authentication or TLS: keep the cluster port on a private interface.
 *
 * <p>Logging: noisy categories for the node's logging config, at WARN: {@link #NOISY_LOG_CATEGORIES}.
 * Membership changes are logged by {@code com.hazelcast.internal.cluster} at INFO and are worth keeping.
 * The member's loggers follow its config; the few static loggers Hazelcast uses before a member exists
 * follow the system property, so the node runs with {@code -Dhazelcast.logging.type=slf4j} (or sets it in
 * {@code main} before anything else). The fat jar's manifest should also carry Hazelcast's
 * {@code Add-Opens}/{@code Add-Exports} ({@code java.base/java.lang}, {@code java.base/sun.nio.ch},
 * {@code java.base/jdk.internal.ref}, {@code java.management/sun.management},
 * {@code jdk.management/com.sun.management.internal}), else Hazelcast warns at start and runs slower.
 *
 * <p>Thread-safety: all views are safe to call from any thread and never throw once the member has stopped
 * (a stopped member is not joined, has size 0 and no quorum). All but {@link #partitionsSafe()} read local
 * state only and do not block.
 */
public final class ClusterMember implements ClusterConnection {
    /**
     * Name of the split-brain protection (quorum) that map configs of shared state reference through
     * {@link #applyQuorum(MapConfig)}: operations on such a map fail with
     * {@code com.hazelcast.splitbrainprotection.SplitBrainProtectionException} while this member sees fewer
     * than {@code cluster.min-size} members. With {@code min-size: 1} it is registered but disabled.
     */
    public static final String QUORUM_NAME = "gateway-quorum";

    /** Member attribute carrying the gateway node name; shown in {@link #members()}. */
    public static final String NODE_NAME_ATTRIBUTE = "gateway.node-name";

    /** Hazelcast logger categories that are chatty at INFO; set them to WARN in the node's logging config. */
    public static final List<String> NOISY_LOG_CATEGORIES = List.of(
            "com.hazelcast.system",
            "com.hazelcast.instance",
            "com.hazelcast.core.LifecycleService",
            "com.hazelcast.internal.server",
            "com.hazelcast.internal.networking",
            "com.hazelcast.internal.partition",
            "com.hazelcast.internal.diagnostics",
            "com.hazelcast.internal.metrics",
            "com.hazelcast.internal.config",
            "com.hazelcast.internal.util.phonehome",
            "com.hazelcast.cp",
            "com.hazelcast.jet",
            "com.hazelcast.sql",
            "com.hazelcast.spi.impl.operationservice.impl");

    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private final HazelcastInstance hazelcast;
    private final ClusterSettings settings;
    private final String nodeName;
    private final ILogger log;
    private final MemberInfo startedAs;

    private ClusterMember(HazelcastInstance hazelcast, ClusterSettings settings, String nodeName) {
        this.hazelcast = hazelcast;
        this.settings = settings;
        this.nodeName = nodeName;
        this.log = hazelcast.getLoggingService().getLogger(ClusterMember.class);
        this.startedAs = MemberInfo.of(hazelcast.getCluster().getLocalMember());
    }

    /** Same as {@link #start(ClusterSettings, String, Consumer)} without customization. */
    public static ClusterMember start(ClusterSettings settings, String nodeName) {
        return start(settings, nodeName, config -> { });
    }

    /**
     * Starts the member and returns once it has joined a cluster (possibly a cluster of one: a member that
     * finds no peer becomes its own master). Blocks for a few seconds; call it from {@code main}, not from a
     * request thread.
     *
     * @param customizer runs on the finished config before the member starts: the place for the other cluster
     *                   adapters to add map configs ({@link #applyQuorum(MapConfig)}), serializers, or to
     *                   extend the deserialization allow-list
     *                   ({@code config.getSerializationConfig().getJavaSerializationFilterConfig().getWhitelist()})
     * @throws IllegalArgumentException when {@code cluster.listen} is not an address of this machine
     * @throws IllegalStateException    when the member cannot start (e.g. the port is in use); the message is
     *                                  one line naming the node and the address
     */
    public static ClusterMember start(ClusterSettings settings, String nodeName, Consumer<Config> customizer) {
        Objects.requireNonNull(customizer, "customizer");
        Config config = MemberConfig.build(settings, nodeName);
        customizer.accept(config);
        HazelcastInstance hazelcast;
        try {
            hazelcast = Hazelcast.newHazelcastInstance(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cluster member '" + nodeName + "' on " + settings.listen()
                    + " did not start: " + e.getMessage(), e);
        }
        UnansweredDials.watch(hazelcast, nodeName);
        config.getNetworkConfig().getJoin().getDiscoveryConfig().getDiscoveryStrategyConfigs().stream()
                .map(DiscoveryStrategyConfig::getDiscoveryStrategyFactory)
                .filter(AnsweringPeers.Factory.class::isInstance)
                .forEach(factory -> ((AnsweringPeers.Factory) factory).membersOf(hazelcast.getCluster()));
        return new ClusterMember(hazelcast, settings, nodeName);
    }

    /** Makes {@code mapConfig} subject to the {@link #QUORUM_NAME} split-brain protection; returns it. */
    public static MapConfig applyQuorum(MapConfig mapConfig) {
        return mapConfig.setSplitBrainProtectionName(QUORUM_NAME);
    }

    /**
     * Raises the common {@link ForkJoinPool}'s parallelism to at least {@code min}. Hazelcast completes async
     * calls ({@code CompletionStage} callbacks, async bucket4j) on the common pool, and only when its
     * parallelism is above 1: otherwise it starts a thread per callback. On 2 cores the default parallelism is
     * 1, which made async bucket4j calls about 20x slower.
     *
     * <p>The JVM reads the property once, when the pool is created, and Hazelcast picks its executor once,
     * when its classes load. So the node's {@code main} calls this first thing, before anything touches the
     * common pool ({@code CompletableFuture.supplyAsync}, parallel streams) or Hazelcast. An explicit
     * {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism} wins and is left alone. Sets a system
     * property; keeps no state of its own.
     *
     * @return the common pool's parallelism in effect afterwards: below {@code min} when the property was set
     *         explicitly lower or the pool already existed (too late; the property is then left unset)
     */
    public static int raiseCommonPoolParallelism(int min) {
        if (min < 1) {
            throw new IllegalArgumentException("min: " + min + " (expected: >= 1)");
        }
        if (System.getProperty(COMMON_POOL_PARALLELISM) != null
                || Runtime.getRuntime().availableProcessors() - 1 >= min) {
            return ForkJoinPool.getCommonPoolParallelism();
        }
        System.setProperty(COMMON_POOL_PARALLELISM, Integer.toString(min));
        int parallelism = ForkJoinPool.getCommonPoolParallelism();
        if (parallelism != min) {
            System.clearProperty(COMMON_POOL_PARALLELISM);
        }
        return parallelism;
    }

    /** Whether the member runs and is part of a cluster (possibly of one). */
    public boolean joined() {
        try {
            if (!hazelcast.getLifecycleService().isRunning()) {
                return false;
            }
            Cluster cluster = hazelcast.getCluster();
            return cluster.getMembers().contains(cluster.getLocalMember());
        } catch (HazelcastInstanceNotActiveException e) {
            return false;
        }
    }

    /** Members in the cluster as this member sees it, itself included; 0 once stopped. */
    public int size() {
        try {
            return hazelcast.getLifecycleService().isRunning() ? hazelcast.getCluster().getMembers().size() : 0;
        } catch (HazelcastInstanceNotActiveException e) {
            return 0;
        }
    }

    /** Whether this member is joined and sees at least {@code cluster.min-size} members; false on a minority side. */
    public boolean hasQuorum() {
        return joined() && size() >= settings.minSize();
    }

    /**
     * Why this node must not take traffic, as far as the cluster is concerned, for {@code /health/ready}:
     * {@code null} when joined and quorate, else a one-line reason such as
     * {@code "cluster below min-size (1 of 2)"}.
     */
    public String notReadyReason() {
        if (!hazelcast.getLifecycleService().isRunning()) {
            return "cluster member is not running";
        }
        if (!joined()) {
            return "cluster member has not joined cluster '" + settings.name() + "'";
        }
        int size = size();
        if (size < settings.minSize()) {
            return "cluster below min-size (" + size + " of " + settings.minSize() + ")";
        }
        return null;
    }

    /** The members as this member sees them, oldest (the master) first; empty once stopped. */
    public List<MemberInfo> members() {
        try {
            if (!hazelcast.getLifecycleService().isRunning()) {
                return List.of();
            }
            return hazelcast.getCluster().getMembers().stream().map(MemberInfo::of).toList();
        } catch (HazelcastInstanceNotActiveException e) {
            return List.of();
        }
    }

    /**
     * This member, as it appears in {@link #members()}. Its uuid changes when it rejoins after a split-brain
     * merge; once stopped, this is the member as it started.
     */
    public MemberInfo local() {
        try {
            boolean running = hazelcast.getLifecycleService().isRunning();
            return running ? MemberInfo.of(hazelcast.getCluster().getLocalMember()) : startedAs;
        } catch (HazelcastInstanceNotActiveException e) {
            return startedAs;
        }
    }

    /**
     * Whether every partition has its owner and backups in sync (no migration running): losing any one member
     * now loses no data. False while partitions move after a join or a departure, and once stopped.
     *
     * <p>Not cheap: Hazelcast asks every member and waits for the answers, up to
     * {@code hazelcast.graceful.shutdown.max.wait} (30 s) when one hangs. Call it from the admin API's worker
     * thread, never from a selector or request thread; for frequent probes use {@link #localPartitionsSafe()}.
     */
    public boolean partitionsSafe() {
        try {
            return hazelcast.getLifecycleService().isRunning() && hazelcast.getPartitionService().isClusterSafe();
        } catch (HazelcastInstanceNotActiveException e) {
            return false;
        }
    }

    /**
     * Whether the backups of the partitions this member owns are in sync, so that this member could leave
     * now without data loss. Local state only; false once stopped.
     */
    public boolean localPartitionsSafe() {
        try {
            return hazelcast.getLifecycleService().isRunning() && hazelcast.getPartitionService().isLocalMemberSafe();
        } catch (HazelcastInstanceNotActiveException e) {
            return false;
        }
    }

    /**
     * Calls {@code onChange} after any change that may change {@link #joined()}, {@link #size()},
     * {@link #hasQuorum()} or {@link #members()}: a member joined or left, or this member's lifecycle moved
     * (merging after a partition, shutting down). It runs on a Hazelcast event thread: keep it short and
     * non-blocking, and read the views from it rather than trusting an ordering of calls. An exception it
     * throws is logged and dropped. Register, then read the current state: changes before registering are
     * not replayed.
     */
    public Subscription addMembershipListener(Runnable onChange) {
        return listen(hazelcast, log, Objects.requireNonNull(onChange, "onChange"));
    }

    /** {@link #addMembershipListener} on any instance, member or client. */
    static Subscription listen(HazelcastInstance hazelcast, ILogger log, Runnable onChange) {
        Runnable guarded = () -> {
            try {
                onChange.run();
            } catch (RuntimeException e) {
                log.warning("cluster membership listener failed", e);
            }
        };
        UUID membershipId = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                guarded.run();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                guarded.run();
            }
        });
        LifecycleService lifecycle = hazelcast.getLifecycleService();
        UUID lifecycleId = lifecycle.addLifecycleListener(event -> guarded.run());
        return () -> {
            lifecycle.removeLifecycleListener(lifecycleId);
            try {
                hazelcast.getCluster().removeMembershipListener(membershipId);
            } catch (HazelcastInstanceNotActiveException e) {
                // stopped: its listeners are gone with it
            }
        };
    }

    /**
     * The Hazelcast instance, for the cluster module's adapters (bucket4j proxy manager, breaker store, config
     * feed). The node module uses the views above instead and never imports {@code com.hazelcast}.
     */
    public HazelcastInstance hazelcast() {
        return hazelcast;
    }

    /** The settings this member was started with. */
    public ClusterSettings settings() {
        return settings;
    }

    /** The node name this member announces. */
    public String nodeName() {
        return nodeName;
    }

    /**
     * Leaves the cluster gracefully: partitions this member owns are handed over to the others first (at
     * most {@code hazelcast.graceful.shutdown.max.wait}, 30 s), so no bucket or config entry is lost. Blocks
     * until done. Idempotent.
     */
    @Override
    public void close() {
        LifecycleService lifecycle = hazelcast.getLifecycleService();
        if (lifecycle.isRunning()) {
            lifecycle.shutdown();
        }
    }

    @Override
    public String toString() {
        return "ClusterMember[" + nodeName + " " + settings.listen() + " cluster '" + settings.name() + "']";
    }

    /**
     * The node name of the member that owns {@code key}'s partition (the one that answers for it), or empty while
     * the partition has no owner (start-up, migration) or the member is stopped.
     */
    public Optional<String> ownerOf(Object key) {
        try {
            Member owner = hazelcast.getPartitionService().getPartition(key).getOwner();
            return owner == null ? Optional.empty() : Optional.of(MemberInfo.of(owner).nodeName());
        } catch (HazelcastInstanceNotActiveException e) {
            return Optional.empty();
        }
    }

    /**
     * The node names of the members holding {@code key}'s partition, owner first, then its backups in replica
     * order (as many as the partition table has, up to {@code backups}); empty while the partition has no owner
     * or the member is stopped, and possibly for a moment after a member joined or left (the table travels from the
     * master). For operators and fault tests that must know which members to lose for an entry
     * to go (say, {@code /admin/breakers}). Reads Hazelcast's internal partition table (the public API names only
     * the owner), checked against 5.7.0.
     */
    public List<String> replicasOf(Object key, int backups) {
        return ReplicaNames.of(hazelcast, key, backups);
    }

    /** Hazelcast clients (client-mode gateway nodes) connected to this member; -1 once stopped. */
    @Override
    public int connectedClients() {
        try {
            return hazelcast.getLifecycleService().isRunning()
                    ? hazelcast.getClientService().getConnectedClients().size() : -1;
        } catch (HazelcastInstanceNotActiveException e) {
            return -1;
        }
    }

    @Override
    public List<ClientInfo> clients() {
        try {
            return hazelcast.getLifecycleService().isRunning() ? List.copyOf(ClientInfo.connectedTo(hazelcast)) : List.of();
        } catch (HazelcastInstanceNotActiveException e) {
            return List.of();
        }
    }

    /** Removes a listener registered with {@link #addMembershipListener(Runnable)}. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        /** Idempotent; safe after the member stopped. */
        @Override
        void close();
    }
}
