package dev.gateway.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.map.IMap;
import com.hazelcast.map.LocalMapStats;
import java.util.function.ToLongFunction;
import dev.gateway.limiter.KeySpace;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.LimitSpec.Algorithm;
import dev.gateway.limiter.ManualTicker;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.limiter.RateLimiterContract;
import dev.gateway.limiter.RateLimiterUnavailableException;
import dev.gateway.limiter.Decision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The limiter contract against a real two-member cluster: the first view runs on one member, the second on
 * the other, so about half of all calls cross the network to the key owner and back.
 */
class HazelcastRateLimiterTest extends RateLimiterContract {

    /** Generous: the first calls of a fresh JVM load classes; the 250 ms default is tested on its own. */
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(5);

    private static LimitsCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = LimitsCluster.start("limits-contract", 5801, 2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected RateLimiter newLimiter(ManualTicker ticker) {
        cluster.follow(ticker); // the owners decide by their clocks: the test's ticker
        return new HazelcastRateLimiter(cluster.member(0), TEST_TIMEOUT);
    }

    @Override
    protected RateLimiter newLimiterOnSameStore(RateLimiter first, ManualTicker ticker) {
        cluster.follow(ticker);
        return new HazelcastRateLimiter(cluster.member(1), TEST_TIMEOUT);
    }

    /** Owned entries of the space's two maps on both members (every entry once: backups not counted). */
    @Override
    protected long keysHeld(KeySpace space) {
        return sumOverMembers(space, LocalMapStats::getOwnedEntryCount);
    }

    @Override
    protected long keysEvicted(KeySpace space) {
        return sumOverMembers(space, LocalMapStats::getEvictionCount);
    }

    /**
     * Per partition at most ceil(maxKeys / partitions) plus one (Hazelcast evicts down to the size before it adds:
     * see RateLimitMaps): LimitsCluster has 31 partitions.
     */
    @Override
    protected long heldAtMost(long maxKeys) {
        int partitions = cluster.member(0).getPartitionService().getPartitions().size();
        return (long) partitions * (RateLimitMaps.perPartition(maxKeys, partitions) + 1);
    }

    private static long sumOverMembers(KeySpace space, ToLongFunction<LocalMapStats> stat) {
        long sum = 0;
        for (int i = 0; i < 2; i++) {
            sum += stat.applyAsLong(cluster.member(i).getMap(RateLimitMaps.bucketsMap(space)).getLocalMapStats());
            sum += stat.applyAsLong(cluster.member(i).getMap(RateLimitMaps.windowsMap(space)).getLocalMapStats());
        }
        return sum;
    }

    /**
     * The bound holds for the backups too (Hazelcast removes an evicted entry's backups with it), and the limiter
     * reports this member's share: owned entries, evictions and their memory cost.
     */
    @Test
    void backupsStayBoundedAndEachMemberReportsItsShare() {
        KeySpace space = new KeySpace("bounded-backups-" + java.util.UUID.randomUUID(), 300);
        LimitSpec spec = spec(Algorithm.TOKEN_BUCKET, 1, Duration.ofDays(1)).withKeys(space);
        for (int i = 0; i < 1_200; i++) {
            assertThat(consume("k" + i, spec).allowed()).isTrue();
        }
        long bound = heldAtMost(300);
        assertThat(sumOverMembers(space, LocalMapStats::getBackupEntryCount)).isLessThanOrEqualTo(bound);
        HazelcastRateLimiter first = (HazelcastRateLimiter) limiter();
        HazelcastRateLimiter second = new HazelcastRateLimiter(cluster.member(1), TEST_TIMEOUT);
        await().atMost(Duration.ofSeconds(10)).until(() -> second.keyStats(space).bytes() >= 0);
        var a = first.keyStats(space);
        var b = second.keyStats(space);
        assertThat(a.keys() + b.keys()).isEqualTo(keysHeld(space)).isLessThanOrEqualTo(bound);
        assertThat(a.evicted() + b.evicted()).isEqualTo(1_200 - keysHeld(space));
        assertThat(a.bytes()).isPositive();
        assertThat(b.bytes()).isPositive();
    }

    /**
     * Proves the contract above ran with Java deserialization denied (see LimitsCluster): everything the
     * limiter sends between members is IdentifiedDataSerializable or has bucket4j's stream serializers.
     */
    @Test
    void theMembersRefuseJavaSerializedObjects() {
        IMap<String, Object> probe = cluster.member(0).getMap("limits-filter-probe");
        probe.put(key("java"), new JavaSerialized());
        assertThatThrownBy(() -> probe.get(key("java"))).hasStackTraceContaining("is not allowed");
    }

    @Test
    void entriesVanishOnceTheirBucketIsFullAgain() {
        IMap<String, byte[]> buckets = cluster.member(0).getMap(RateLimitMaps.BUCKETS_MAP);
        IMap<String, long[]> windows = cluster.member(0).getMap(RateLimitMaps.WINDOWS_MAP);
        LimitSpec token = spec(Algorithm.TOKEN_BUCKET, 10, Duration.ofMillis(100));
        LimitSpec sliding = spec(Algorithm.SLIDING_WINDOW, 10, Duration.ofMillis(100));
        consume("token", token);
        consume("sliding", sliding);
        assertThat(buckets.containsKey(key("token"))).isTrue();
        assertThat(windows.containsKey(key("sliding"))).isTrue();
        assertThat(windows.getEntryView(key("sliding")).getTtl()).as("both windows + keep")
                .isBetween(1_000L, 1_200L);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(buckets.containsKey(key("token"))).isFalse();
            assertThat(windows.containsKey(key("sliding"))).isFalse();
        });
    }

    /** Java serialization is all it has. */
    static final class JavaSerialized implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void aLongPolicyKeepsItsEntryForItsWholeWindow() {
        IMap<String, byte[]> buckets = cluster.member(0).getMap(RateLimitMaps.BUCKETS_MAP);
        consume("daily", spec(Algorithm.FIXED_WINDOW, 100_000, Duration.ofDays(1)));
        long ttl = buckets.getEntryView(key("daily")).getTtl();
        long untilMidnight = Duration.ofDays(1).toMillis() - Math.floorMod(ticker.epochMillis(), Duration.ofDays(1).toMillis());
        assertThat(ttl).isEqualTo(untilMidnight + HazelcastRateLimiter.KEEP_AFTER_FULL.toMillis());
    }

    /**
     * A thousand checks of one key fired at once from the member that does not own it: most travel in another
     * check's call, and still every token is accounted for exactly once, in order (the admitted answers carry
     * each remaining count from limit - 1 down to 0 once).
     */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void checksInFlightTogetherAreCoalescedAndStayExact(Algorithm algorithm) {
        int limit = 400;
        LimitSpec spec = algorithm == Algorithm.LEAKY_BUCKET
                ? new LimitSpec(algorithm, limit, Duration.ofHours(1), limit)
                : spec(algorithm, limit, Duration.ofHours(1));
        String key = keyOwnedBy(1, "coalesced-" + algorithm);
        cluster.follow(ticker);
        HazelcastRateLimiter limiter = new HazelcastRateLimiter(cluster.member(0), TEST_TIMEOUT);

        List<CompletableFuture<Decision>> calls = new ArrayList<>();
        int[] told = new int[1_000]; // the size of the call each check was told it travelled in (0: not told)
        for (int i = 0; i < 1_000; i++) {
            int check = i;
            calls.add((i % 2 == 0 ? limiter.tryConsume(key, spec, n -> told[check] = n) : limiter.tryConsume(key, spec))
                    .toCompletableFuture());
        }
        List<Decision> decisions = calls.stream().map(CompletableFuture::join).toList();

        assertThat(decisions).filteredOn(Decision::allowed).hasSize(limit);
        assertThat(decisions.stream().filter(Decision::allowed).map(Decision::remaining).sorted().toList())
                .isEqualTo(LongStream.range(0, limit).boxed().toList());
        assertThat(decisions).filteredOn(d -> !d.allowed()).allSatisfy(d -> {
            assertThat(d.remaining()).isZero();
            assertThat(d.retryAfterNanos()).isPositive();
        });
        assertThat(limiter.coalescedChecks()).as("checks that rode in another's call").isPositive();
        assertThat(IntStream.range(0, 1_000).filter(i -> i % 2 == 0).map(i -> told[i]))
                .as("every check that asked was told its call's size, before its answer").allMatch(n -> n >= 1)
                .as("most travelled with others").anyMatch(n -> n > 1);
    }

    /**
     * A failure on the owner reaches the caller as the owner's exception, not as a timeout: the test members'
     * filter must admit what Hazelcast Java-serializes into an error response (it once admitted nothing, the
     * response was dropped, and the call waited for its timeout).
     */
    @Test
    void anOwnersFailureArrivesAsItsOwnException() {
        String key = keyOwnedBy(1, "corrupt");
        IMap<String, long[]> windows = cluster.member(0).getMap(RateLimitMaps.WINDOWS_MAP);
        windows.set(key, new long[] {1}); // not a sliding window's state: the owner's processor throws
        HazelcastRateLimiter limiter = new HazelcastRateLimiter(cluster.member(0), Duration.ofSeconds(30));

        assertThatThrownBy(() -> limiter.tryConsume(key, spec(Algorithm.SLIDING_WINDOW, 10, Duration.ofHours(1)))
                .toCompletableFuture().join())
                .hasCauseInstanceOf(RateLimiterUnavailableException.class)
                .hasRootCauseInstanceOf(IllegalArgumentException.class)
                .hasStackTraceContaining("state: 1 longs");
    }

    private String keyOwnedBy(int member, String name) {
        for (int i = 0; ; i++) {
            String candidate = key(name + "-" + i);
            if (cluster.ownerOf(candidate) == cluster.member(member)) {
                return candidate;
            }
        }
    }
}
