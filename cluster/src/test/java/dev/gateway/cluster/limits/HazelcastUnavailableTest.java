package dev.gateway.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.LimitSpec.Algorithm;
import dev.gateway.limiter.RateLimiterUnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** No call waits for Hazelcast's 60 s: a store that cannot answer in time fails fast as "unavailable". */
class HazelcastUnavailableTest {
    /** Static so that the blocker finds it however Hazelcast hands the blocker over; one per test. */
    private static volatile CountDownLatch release = new CountDownLatch(1);

    private LimitsCluster cluster;

    @BeforeEach
    void start() {
        release = new CountDownLatch(1);
        cluster = LimitsCluster.start("limits-unavailable", 5821, 1);
    }

    @AfterEach
    void stop() {
        release.countDown();
        cluster.close();
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"TOKEN_BUCKET", "SLIDING_WINDOW"})
    void aCallTheOwnerCannotAnswerFailsAfterTheRequestTimeout(Algorithm algorithm) throws Exception {
        HazelcastRateLimiter limiter = new HazelcastRateLimiter(cluster.member(0),
                Duration.ofMillis(200));
        LimitSpec spec = new LimitSpec(algorithm, 10, Duration.ofMinutes(1), 10);
        IMap<String, byte[]> buckets = cluster.member(0).getMap(RateLimitMaps.BUCKETS_MAP);
        CompletionStage<byte[]> blocker = buckets.submitToKey("stuck", new PartitionThreadBlocker());

        long start = System.nanoTime();
        CompletableFuture<?> decision = limiter.tryConsume("stuck", spec).toCompletableFuture();
        assertThatThrownBy(() -> decision.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(RateLimiterUnavailableException.class)
                .hasMessage("rate-limit store did not answer within 200 ms (key 'stuck')");
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(elapsedMillis).isBetween(150L, 2_000L);

        release.countDown();
        blocker.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"FIXED_WINDOW", "SLIDING_WINDOW"})
    void aMemberThatIsGoneAnswersUnavailable(Algorithm algorithm) {
        HazelcastRateLimiter limiter = new HazelcastRateLimiter(cluster.member(0));
        LimitSpec spec = new LimitSpec(algorithm, 10, Duration.ofMinutes(1), 10);
        cluster.member(0).getLifecycleService().terminate();

        // the second check of the key must fail as fast as the first: a failed call frees the key's coalescing queue
        for (CompletionStage<?> stage : new CompletionStage<?>[] {
                limiter.tryConsume("k", spec), limiter.tryConsume("k", spec), limiter.peek("k", spec)}) {
            assertThatThrownBy(() -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(RateLimiterUnavailableException.class)
                    .hasMessageStartingWith("rate-limit store failed (key 'k'): com.hazelcast.");
        }
    }

    /** Holds the partition thread of its key until the test releases it (at most 10 s). */
    static final class PartitionThreadBlocker implements EntryProcessor<String, byte[], byte[]> {
        @Override
        public byte[] process(Map.Entry<String, byte[]> entry) {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

        @Override
        public EntryProcessor<String, byte[], byte[]> getBackupProcessor() {
            return null;
        }
    }
}
