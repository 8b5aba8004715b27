package dev.gateway.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.LimitSpec.Algorithm;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A check its caller has given up on takes nothing when Hazelcast delivers it late (as it does after the key's
 * owner died: retried on the new owner seconds later). One member (port 5871); a call past its deadline is sent
 * with a deadline already passed, as a late retry would reach the owner.
 */
class CallDeadlineTest {

    private static LimitsCluster cluster;
    private final String namespace = "deadline-" + UUID.randomUUID() + ":";

    @BeforeAll
    static void startCluster() {
        cluster = LimitsCluster.start("limits-deadline", 5871, 1, 0, List.of());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aSlidingWindowCheckPastItsDeadlineTakesNothing() {
        HazelcastInstance member = cluster.member(0);
        IMap<String, long[]> windows = member.getMap(RateLimitMaps.WINDOWS_MAP);
        LimitSpec spec = LimitSpec.of(Algorithm.SLIDING_WINDOW, 10, Duration.ofMinutes(1), null);
        String key = namespace + "window";

        long[] late = windows.executeOnKey(key, new SlidingWindowProcessor(spec, 3, CallDeadline.from(member, -1_000_000_000L)));
        assertThat(late).as("answered null: nothing was run").isNull();
        assertThat(windows.get(key)).as("no window was created").isNull();

        long[] inTime = windows.executeOnKey(key, new SlidingWindowProcessor(spec, 3, CallDeadline.from(member, TimeUnit.SECONDS.toNanos(5))));
        assertThat(inTime).isNotNull();
        assertThat(windows.get(key)).as("three checks counted").isNotNull();
    }

    @Test
    void aBucketCommandPastItsDeadlineTakesNothing() throws Exception {
        HazelcastInstance member = cluster.member(0);
        IMap<String, byte[]> buckets = member.getMap(RateLimitMaps.BUCKETS_MAP);
        BucketConfiguration config = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(10).refillGreedy(10, Duration.ofMinutes(1))).build();
        String key = namespace + "bucket";

        OneHopProxyManager<String> late = new OneHopProxyManager<>(buckets, ClientSideConfig.getDefault(),
                ForkJoinPool.commonPool(), member, -TimeUnit.SECONDS.toNanos(1));
        CompletableFuture<Boolean> refused = late.asAsync().builder().build(key, () -> CompletableFuture.completedFuture(config))
                .tryConsume(1);
        assertThat(refused).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .withMessageContaining("after the caller's deadline: nothing taken");
        assertThat(buckets.get(key)).as("no bucket was created, no token taken").isNull();

        OneHopProxyManager<String> inTime = new OneHopProxyManager<>(buckets, ClientSideConfig.getDefault(),
                ForkJoinPool.commonPool(), member, TimeUnit.SECONDS.toNanos(5));
        assertThat(inTime.asAsync().builder().build(key, () -> CompletableFuture.completedFuture(config))
                .tryConsume(1).get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(buckets.get(key)).isNotNull();
    }
}
