package dev.gateway.cluster.breakers;

import static dev.gateway.limiter.breaker.BreakerState.CLOSED;
import static dev.gateway.limiter.breaker.BreakerState.HALF_OPEN;
import static dev.gateway.limiter.breaker.BreakerState.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.cluster.member.MemberClock;
import dev.gateway.cluster.member.SettableClock;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import dev.gateway.limiter.breaker.BreakerSpec;
import dev.gateway.limiter.breaker.Evidence;
import dev.gateway.limiter.breaker.ProbeAnswer;
import dev.gateway.limiter.breaker.SharedBreakerView;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two members whose clocks differ by 30 s (ports 5776-5777), each node's board on its own member with that
 * member's clock as the node's: the breaker is decided by its owner's clock whoever calls, and the instants of
 * a call's answer are on the calling node's clock, so it reads the open period the owner meant. (Views of events
 * are moved by the member clock, the cluster's: see HazelcastBreakerBoardTest.)
 */
class SkewedBreakerClocksTest {
    static {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final long START = 1_700_000_040_000L;
    private static final long SKEW = 30_000;
    private static final long OPEN_FOR = 20_000;
    /** 50 %, at least 10 calls, 10 s window, open 20 s, one probe. */
    private static final BreakerSpec SPEC =
            new BreakerSpec(50, 10, Duration.ofSeconds(10), Duration.ofMillis(OPEN_FOR), 1);

    private static final SettableClock OWNER_CLOCK = new SettableClock(START);
    private static final SettableClock SKEWED_CLOCK = new SettableClock(START + SKEW);
    private static ClusterMember owner;
    private static ClusterMember skewed;

    private final String namespace = "skew-" + UUID.randomUUID() + ":";
    private HazelcastBreakerBoard onOwner;
    private HazelcastBreakerBoard onSkewed;

    @BeforeAll
    static void startMembers() {
        String name = "breakers-skew-" + UUID.randomUUID().toString().substring(0, 8);
        owner = start(name, 5776, OWNER_CLOCK);
        skewed = start(name, 5777, SKEWED_CLOCK);
        HazelcastInstance hz = owner.hazelcast();
        await().atMost(Duration.ofSeconds(30)).until(() -> hz.getCluster().getMembers().size() == 2
                && hz.getPartitionService().isClusterSafe());
    }

    @AfterAll
    static void stopMembers() {
        for (ClusterMember m : new ClusterMember[] {owner, skewed}) {
            if (m != null) {
                m.hazelcast().getLifecycleService().terminate();
            }
        }
    }

    @BeforeEach
    void openBoards() {
        OWNER_CLOCK.set(START);
        SKEWED_CLOCK.set(START + SKEW);
        onOwner = board(owner, OWNER_CLOCK);
        onSkewed = board(skewed, SKEWED_CLOCK);
    }

    @AfterEach
    void closeBoards() {
        onOwner.close();
        onSkewed.close();
    }

    @Test
    void evidenceFromANodeAheadDoesNotAgeTheOthersAway() {
        String up = upstreamOwnedByTheFirst("evidence");
        onOwner.report(up, SPEC, "node-a", new Evidence(6, 6), OWNER_CLOCK.epochMillis());
        SharedBreakerView view = onSkewed.report(up, SPEC, "node-b", new Evidence(6, 6), SKEWED_CLOCK.epochMillis());

        assertThat(view.snapshot().state()).as("12 failing calls from both nodes, both fresh on the owner's clock")
                .isEqualTo(OPEN);
    }

    @Test
    void evidenceFromANodeBehindCounts() {
        SKEWED_CLOCK.set(START - SKEW);
        String up = upstreamOwnedByTheFirst("behind");
        onSkewed.report(up, SPEC, "node-b", new Evidence(6, 6), SKEWED_CLOCK.epochMillis());
        SharedBreakerView view = onOwner.report(up, SPEC, "node-a", new Evidence(6, 6), OWNER_CLOCK.epochMillis());

        assertThat(view.snapshot().state()).isEqualTo(OPEN);
    }

    @Test
    void aNodeAheadGetsNoProbeBeforeTheOwnersOpenPeriodEnds() {
        String up = upstreamOwnedByTheFirst("probe");
        SharedBreakerView open = onOwner.report(up, SPEC, "node-a", new Evidence(10, 10), OWNER_CLOCK.epochMillis());
        assertThat(open.snapshot().state()).isEqualTo(OPEN);
        assertThat(open.snapshot().openUntilMillis()).isEqualTo(START + OPEN_FOR);

        ProbeAnswer early = onSkewed.tryProbe(up, SPEC, "node-b", SKEWED_CLOCK.epochMillis());
        assertThat(early.granted()).as("the owner's open period has not passed").isFalse();
        assertThat(early.view().snapshot().openUntilMillis()).as("open-until on the asking node's clock")
                .isEqualTo(SKEWED_CLOCK.epochMillis() + OPEN_FOR);

        OWNER_CLOCK.advanceMillis(OPEN_FOR);
        SKEWED_CLOCK.advanceMillis(OPEN_FOR);
        ProbeAnswer granted = onSkewed.tryProbe(up, SPEC, "node-b", SKEWED_CLOCK.epochMillis());
        assertThat(granted.granted()).isTrue();
        assertThat(granted.view().snapshot().state()).isEqualTo(HALF_OPEN);
        assertThat(granted.view().snapshot().openUntilMillis()).as("the lease, on the asking node's clock")
                .isEqualTo(SKEWED_CLOCK.epochMillis() + OPEN_FOR);
        assertThat(onOwner.tryProbe(up, SPEC, "node-a", OWNER_CLOCK.epochMillis()).granted())
                .as("one probe in the cluster").isFalse();

        SharedBreakerView closed = onSkewed.probeResult(up, SPEC, "node-b", true, SKEWED_CLOCK.epochMillis());
        assertThat(closed.snapshot().state()).isEqualTo(CLOSED);
    }

    @Test
    void aLeaseHeldByANodeBehindRunsOutOnTheOwnersClock() {
        SKEWED_CLOCK.set(START - SKEW);
        String up = upstreamOwnedByTheFirst("lease");
        onOwner.report(up, SPEC, "node-a", new Evidence(10, 10), OWNER_CLOCK.epochMillis());
        OWNER_CLOCK.advanceMillis(OPEN_FOR);
        SKEWED_CLOCK.advanceMillis(OPEN_FOR);
        assertThat(onSkewed.tryProbe(up, SPEC, "node-b", SKEWED_CLOCK.epochMillis()).granted()).isTrue();

        OWNER_CLOCK.advanceMillis(OPEN_FOR);
        SKEWED_CLOCK.advanceMillis(OPEN_FOR);
        assertThat(onOwner.tryProbe(up, SPEC, "node-a", OWNER_CLOCK.epochMillis()).granted())
                .as("node-b's lease expired by the owner's clock").isTrue();
    }

    private static HazelcastBreakerBoard board(ClusterMember member, SettableClock clock) {
        return new HazelcastBreakerBoard(member.hazelcast(), clock, TIMEOUT);
    }

    private String upstreamOwnedByTheFirst(String name) {
        HazelcastInstance hz = owner.hazelcast();
        for (int i = 0; ; i++) {
            String key = namespace + name + ":" + i;
            if (hz.getCluster().getLocalMember().equals(hz.getPartitionService().getPartition(key).getOwner())) {
                return key;
            }
        }
    }

    private static ClusterMember start(String cluster, int port, SettableClock clock) {
        List<HostPort> members = List.of(new HostPort("127.0.0.1", 5776), new HostPort("127.0.0.1", 5777));
        ClusterSettings settings = new ClusterSettings(cluster, new HostPort("127.0.0.1", port),
                new Discovery(members, null), 2, 1, true);
        return ClusterMember.start(settings, "gw-" + port, config -> {
            BreakerMaps.register(config);
            MemberClock.install(config, clock);
        });
    }
}
