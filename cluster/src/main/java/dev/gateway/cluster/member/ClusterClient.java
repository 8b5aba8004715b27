package dev.gateway.cluster.member;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.logging.ILogger;
import com.hazelcast.partition.Partition;
import dev.gateway.config.ClusterSettings;
import dev.gateway.limiter.Ticker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A client-mode node's way into the cluster: a Hazelcast smart client of the dedicated members
 * ({@code gateway-node member}), which sends each key's call straight to the key's owner. It holds no partition, so
 * its death or restart moves no bucket.
 *
 * <p>The member views, answered from the client's side: ready when connected and seeing at least
 * {@code cluster.min-size} members (the members' own split-brain protection refuses a minority side's calls in
 * any case); {@link #localPartitionsSafe()} is always true (nothing to hand over); {@link #replicasOf} names the
 * owner only (Hazelcast tells a client the owners, not the backups); cluster time is {@link MemberTimeEstimate}'s
 * estimate of the members', re-measured every few seconds (a client's own {@code getClusterTime()} is its own wall
 * clock); {@link #clients()}, the other client nodes, which a client cannot list itself, are asked of the members
 * every {@link #CLIENTS_REFRESH_SECONDS} s.
 *
 * <p>Thread-safety: as {@link ClusterConnection}.
 */
public final class ClusterClient implements ClusterConnection {
    /** User-context key of the member config a client was built beside ({@link #memberConfig}). */
    static final String MEMBER_CONFIG_KEY = "gateway.member-config";
    /** How often the members are asked for their connected clients ({@link #clients()}). */
    public static final int CLIENTS_REFRESH_SECONDS = 2;
    private static final long CLIENTS_ANSWER_MILLIS = 2_000;

    private final HazelcastInstance client;
    private final ClusterSettings settings;
    private final ILogger log;
    private final MemberTimeEstimate time;
    private final ScheduledExecutorService timer;
    private volatile boolean connected = true;
    private volatile List<ClientInfo> clients = List.of();

    private ClusterClient(HazelcastInstance client, ClusterSettings settings, MemberTimeEstimate time) {
        this.client = client;
        this.settings = settings;
        this.time = time;
        this.log = client.getLoggingService().getLogger(ClusterClient.class);
        client.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleState.CLIENT_CONNECTED) {
                connected = true;
            } else if (event.getState() == LifecycleState.CLIENT_DISCONNECTED
                    || event.getState() == LifecycleState.SHUTTING_DOWN) {
                connected = false;
            }
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gateway-cluster-time");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::measureTime, MemberTimeEstimate.REFRESH_SECONDS,
                MemberTimeEstimate.REFRESH_SECONDS, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::askClients, CLIENTS_REFRESH_SECONDS, CLIENTS_REFRESH_SECONDS,
                TimeUnit.SECONDS);
    }

    /**
     * Connects to the members of {@code settings} ({@code cluster.members} or Kubernetes DNS discovery) and returns
     * once connected to one of them; waits for ever for the first (a client node has nothing to serve without its
     * members: a Kubernetes startup probe bounds that wait). Call from {@code main}.
     *
     * @param registrar what the members' config gets ({@code SharedMaps#register}, the same code the members run):
     *                  it runs on a member config here, whose serialization config (factories, deserialization
     *                  allow-list) becomes the client's ({@link #memberConfig}; maps the client adds are modelled
     *                  on a real member's config, not this one: its {@code backups} are the client's section's)
     * @throws IllegalStateException when the client cannot start
     */
    public static ClusterClient start(ClusterSettings settings, String nodeName, Consumer<Config> registrar) {
        Config memberConfig = new Config();
        memberConfig.getSerializationConfig().setJavaSerializationFilterConfig(MemberConfig.deserializationFilter());
        registrar.accept(memberConfig);
        ClientConfig config = ClientConfigs.build(settings, nodeName, memberConfig.getSerializationConfig());
        config.getUserContext().put(MEMBER_CONFIG_KEY, memberConfig);
        MemberTimeEstimate time = new MemberTimeEstimate(Ticker.system());
        ClusterTime.install(config.getUserContext(), time);
        HazelcastInstance client;
        try {
            client = HazelcastClient.newHazelcastClient(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cluster client '" + nodeName + "' of " + settings.discovery()
                    + " did not start: " + e.getMessage(), e);
        }
        ClusterClient started = new ClusterClient(client, settings, time);
        started.measureTime();
        started.askClients();
        return started;
    }

    private void measureTime() {
        if (!time.measure(() -> {
            try {
                return client.getExecutorService("gateway.cluster-time").submit(new MemberTimeCall())
                        .get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException(e);
            }
        }) && client.getLifecycleService().isRunning()) {
            log.fine("could not measure the members' cluster time; keeping offset " + time.offsetMillis() + " ms");
        }
    }

    /**
     * Asks every member for its connected clients and keeps their union; a member that does not answer in time adds
     * nothing, and when none answers the last list stays (a node cut off from its members still knows how many
     * gateway nodes there were: the {@code local} rate-limit fallback divides by that).
     */
    private void askClients() {
        Map<UUID, ClientInfo> union = new TreeMap<>();
        try {
            UUID self = client.getLocalEndpoint().getUuid();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLIENTS_ANSWER_MILLIS);
            Map<Member, Future<ArrayList<ClientInfo>>> answers = client.getExecutorService("gateway.cluster-clients")
                    .submitToAllMembers(new ConnectedClientsCall());
            for (Future<ArrayList<ClientInfo>> answer : answers.values()) {
                try {
                    long left = Math.max(0, deadline - System.nanoTime());
                    answer.get(left, TimeUnit.NANOSECONDS).forEach(c -> union.putIfAbsent(c.uuid(), c.seenBy(self)));
                } catch (ExecutionException | TimeoutException e) {
                    answer.cancel(false);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            log.fine("could not ask the members for their clients: " + e);
            return;
        }
        if (!union.isEmpty()) {
            clients = union.values().stream().sorted(Comparator.comparing(ClientInfo::nodeName)).toList();
        }
    }

    /**
     * The member config {@code hazelcast} was built beside when it is a client of this class (its dynamic config
     * cannot be read back, only added to); empty for a member. Its serialization is the members'; its map configs
     * carry the client's own {@code backups}, so maps added to the cluster are modelled on a member's instead.
     */
    public static Optional<Config> memberConfig(HazelcastInstance hazelcast) {
        return hazelcast.getUserContext().get(MEMBER_CONFIG_KEY) instanceof Config config
                ? Optional.of(config) : Optional.empty();
    }

    @Override
    public HazelcastInstance hazelcast() {
        return client;
    }

    @Override
    public ClusterSettings settings() {
        return settings;
    }

    @Override
    public String notReadyReason() {
        if (!client.getLifecycleService().isRunning()) {
            return "cluster client is not running";
        }
        if (!connected) {
            return "cluster client is not connected to cluster '" + settings.name() + "'";
        }
        int size = size();
        if (size < settings.minSize()) {
            return "cluster below min-size (" + size + " of " + settings.minSize() + ")";
        }
        return null;
    }

    @Override
    public boolean hasQuorum() {
        return notReadyReason() == null;
    }

    @Override
    public int size() {
        try {
            return client.getLifecycleService().isRunning() ? client.getCluster().getMembers().size() : 0;
        } catch (HazelcastInstanceNotActiveException e) {
            return 0;
        }
    }

    @Override
    public List<MemberInfo> members() {
        try {
            if (!client.getLifecycleService().isRunning()) {
                return List.of();
            }
            return client.getCluster().getMembers().stream().map(MemberInfo::of).toList();
        } catch (HazelcastInstanceNotActiveException e) {
            return List.of();
        }
    }

    @Override
    public boolean localPartitionsSafe() {
        return true;
    }

    @Override
    public List<String> replicasOf(Object key, int backups) {
        try {
            Partition partition = client.getPartitionService().getPartition(key);
            Member owner = partition == null ? null : partition.getOwner();
            return owner == null ? List.of() : List.of(MemberInfo.of(owner).nodeName());
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    @Override
    public ClusterMember.Subscription addMembershipListener(Runnable onChange) {
        return ClusterMember.listen(client, log, Objects.requireNonNull(onChange, "onChange"));
    }

    @Override
    public int connectedClients() {
        return -1;
    }

    @Override
    public List<ClientInfo> clients() {
        return client.getLifecycleService().isRunning() ? clients : List.of();
    }

    /** Whether the members' time has been measured at least once (else the node's own clock stands in). */
    boolean clockMeasured() {
        return time.measured();
    }

    /** The members' time minus this node's wall clock, as last measured (ms). */
    public long clockOffsetMillis() {
        return time.offsetMillis();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        client.shutdown();
    }
}
