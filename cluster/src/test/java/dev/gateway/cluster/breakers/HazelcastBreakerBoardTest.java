package dev.gateway.cluster.breakers;

import static dev.gateway.limiter.breaker.BreakerState.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.cluster.member.MemberClock;
import dev.gateway.cluster.member.SettableClock;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import dev.gateway.limiter.Ticker;
import dev.gateway.limiter.breaker.BreakerBoard;
import dev.gateway.limiter.breaker.BreakerBoardContract;
import dev.gateway.limiter.breaker.BreakerBoardUnavailableException;
import dev.gateway.limiter.breaker.BreakerViews;
import dev.gateway.limiter.breaker.Evidence;
import dev.gateway.limiter.breaker.SharedBreakerView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The board contract on two members of one cluster (ports 5770-5771), one board per member, so about half of
 * the calls cross the network to the entry's owner; and a failover on a cluster of its own (ports 5772-5773).
 */
class HazelcastBreakerBoardTest extends BreakerBoardContract {
    static {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    /** Generous: the first calls of a fresh JVM load classes. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Both members' clock: set to each contract call's time, so the owners decide at the time the contract says. */
    private static final SettableClock MEMBER_CLOCK = new SettableClock(T0);

    private static ClusterMember first;
    private static ClusterMember second;
    private HazelcastBreakerBoard board;
    private HazelcastBreakerBoard other;

    @BeforeAll
    static void startMembers() {
        String name = uniqueName("breakers");
        first = start(name, 5770, List.of(5770, 5771));
        second = start(name, 5771, List.of(5770, 5771));
    }

    @AfterAll
    static void stopMembers() {
        terminate(first, second);
    }

    @BeforeEach
    void openBoards() {
        MEMBER_CLOCK.set(T0);
        board = new HazelcastBreakerBoard(first.hazelcast(), MEMBER_CLOCK, TIMEOUT);
        other = new HazelcastBreakerBoard(second.hazelcast(), MEMBER_CLOCK, TIMEOUT);
    }

    @AfterEach
    void closeBoards() {
        board.close();
        other.close();
    }

    @Override
    protected BreakerBoard board() {
        return new ClockSettingBoard(board, MEMBER_CLOCK);
    }

    @Override
    protected BreakerBoard otherNode() {
        return new ClockSettingBoard(other, MEMBER_CLOCK);
    }

    /**
     * A node whose wall clock is 30 s ahead of the cluster's time: the views its events and reads bring have
     * their instants on its clock, so it waits out the open period the owner meant.
     */
    @Test
    void viewsOfEventsAndReadsAreOnTheNodesOwnClock() throws Exception {
        String up = upstream("local-clock");
        long skew = 30_000;
        Ticker ahead = new Ticker() {
            @Override
            public long epochMillis() {
                return MEMBER_CLOCK.epochMillis() + skew;
            }

            @Override
            public long nanoTime() {
                return MEMBER_CLOCK.nanoTime();
            }
        };
        Map<String, SharedBreakerView> seen = new ConcurrentHashMap<>();
        try (HazelcastBreakerBoard skewed = new HazelcastBreakerBoard(second.hazelcast(), ahead, TIMEOUT);
             AutoCloseable subscription = skewed.subscribe((upstream, view) -> {
                 if (upstream.equals(up)) {
                     seen.put(upstream, view);
                 }
             })) {
            SharedBreakerView open = board().report(up, SPEC, "node-a", new Evidence(10, 10), T0);
            assertThat(open.snapshot().openUntilMillis()).isEqualTo(T0 + OPEN_FOR);
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.containsKey(up));
            assertThat(seen.get(up).snapshot().openUntilMillis()).isEqualTo(T0 + skew + OPEN_FOR);
            assertThat(skewed.all().get(up).snapshot().openUntilMillis()).isEqualTo(T0 + skew + OPEN_FOR);
            assertThat(skewed.report(up, SPEC, "node-b", Evidence.NONE, T0 + skew).snapshot().openUntilMillis())
                    .as("a call's answer too").isEqualTo(T0 + skew + OPEN_FOR);
        }
    }

    @Override
    protected BreakerViews views() {
        return board;
    }

    @Test
    void aProbeRequestCreatesNoEntryForAnUnknownUpstream() {
        String up = upstream("no-entry");
        assertThat(other.tryProbe(up, SPEC, "node-b", T0).granted()).isFalse();
        assertThat(first.hazelcast().getMap(BreakerMaps.BREAKERS_MAP).containsKey(up)).isFalse();
    }

    @Test
    void listenersRunOnTheBoardsDeliveryThread() throws Exception {
        String up = upstream("thread");
        Map<String, String> threads = new ConcurrentHashMap<>();
        AutoCloseable subscription = board.subscribe((upstream, view) -> {
            if (upstream.equals(up)) {
                threads.put(upstream, Thread.currentThread().getName());
            }
        });
        try {
            other.report(up, SPEC, "node-b", new Evidence(1, 0), T0);
            await().atMost(Duration.ofSeconds(10)).until(() -> threads.containsKey(up));
        } finally {
            subscription.close();
        }
        assertThat(threads).containsEntry(up, "gateway-breaker-views");
    }

    @Test
    void theBackupKeepsAnOpenBreakerWhenItsOwnerIsKilled() {
        String name = uniqueName("breakers-failover");
        ClusterMember survivor = start(name, 5772, List.of(5772, 5773));
        ClusterMember victim = null;
        HazelcastBreakerBoard onSurvivor = null;
        HazelcastBreakerBoard onVictim = null;
        try {
            victim = start(name, 5773, List.of(5772, 5773));
            HazelcastInstance hz = survivor.hazelcast();
            await().atMost(Duration.ofSeconds(30)).until(() -> hz.getCluster().getMembers().size() == 2
                    && hz.getPartitionService().isClusterSafe());
            String up = ownedBy(victim.hazelcast(), hz, upstream("failover"));
            onSurvivor = new HazelcastBreakerBoard(hz, MEMBER_CLOCK, TIMEOUT);
            onVictim = new HazelcastBreakerBoard(victim.hazelcast(), MEMBER_CLOCK, TIMEOUT);

            SharedBreakerView open = onSurvivor.report(up, SPEC, "node-a", new Evidence(10, 10), T0);
            assertThat(open.snapshot().state()).isEqualTo(OPEN);
            assertThat(open.snapshot().openUntilMillis()).isEqualTo(T0 + OPEN_FOR);

            victim.hazelcast().getLifecycleService().terminate();

            HazelcastBreakerBoard board = onSurvivor;
            SharedBreakerView after = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> board.all().get(up), view -> view != null);
            assertThat(after.snapshot()).as("the backup's copy, same openUntil and generation")
                    .isEqualTo(open.snapshot());
            SharedBreakerView reported = onSurvivor.report(up, SPEC, "node-b", Evidence.NONE, T0 + 1);
            assertThat(reported.snapshot()).isEqualTo(open.snapshot());

            HazelcastBreakerBoard dead = onVictim;
            assertThatThrownBy(() -> dead.report(up, SPEC, "node-a", Evidence.NONE, T0 + 2))
                    .isInstanceOf(BreakerBoardUnavailableException.class);
        } finally {
            if (onSurvivor != null) {
                onSurvivor.close();
            }
            if (onVictim != null) {
                onVictim.close();
            }
            terminate(survivor, victim);
        }
    }

    /** The first of {@code prefix:0}, {@code prefix:1}, ... whose partition {@code owner} owns. */
    private static String ownedBy(HazelcastInstance owner, HazelcastInstance asking, String prefix) {
        for (int i = 0; ; i++) {
            String key = prefix + ":" + i;
            if (owner.getCluster().getLocalMember().equals(asking.getPartitionService().getPartition(key).getOwner())) {
                return key;
            }
        }
    }

    private static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A member on {@code port} of loopback looking for peers on {@code peers} only, {@code min-size} 1. */
    private static ClusterMember start(String cluster, int port, List<Integer> peers) {
        List<HostPort> members = peers.stream().map(p -> new HostPort("127.0.0.1", p)).toList();
        ClusterSettings settings = new ClusterSettings(cluster, new HostPort("127.0.0.1", port),
                new Discovery(members, null), peers.size(), 1, true);
        return ClusterMember.start(settings, "gw-" + port, config -> {
            BreakerMaps.register(config);
            MemberClock.install(config, MEMBER_CLOCK);
        });
    }

    private static void terminate(ClusterMember... members) {
        for (ClusterMember m : members) {
            if (m != null) {
                m.hazelcast().getLifecycleService().terminate();
            }
        }
    }
}
