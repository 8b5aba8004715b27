package dev.gateway.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import dev.gateway.limiter.Decision;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.LimitSpec.Algorithm;
import dev.gateway.limiter.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two members dying at once, on four: with two backups every bucket keeps its state; with one, a bucket whose
 * owner and backup were the two starts full again, and that is the whole of the damage (at most one extra
 * {@code limit} per key, never a bucket in some other state).
 */
class DoubleFailureTest {
    private static final int LIMIT = 10;
    private static final int USED = 3;
    private LimitsCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void withTwoBackupsTwoMembersDyingAtOnceLoseNothing() throws Exception {
        cluster = LimitsCluster.start("limits-double-2", 5841, 4, 2);
        Map<String, Long> after = killTwoAndPeek();
        assertThat(after.values()).as("every bucket as it was").containsOnly((long) LIMIT - USED);
    }

    @Test
    void withOneBackupABucketIsEitherKeptOrStartsFull() throws Exception {
        cluster = LimitsCluster.start("limits-double-1", 5851, 4, 1);
        Map<String, Long> after = killTwoAndPeek();
        assertThat(after.values()).as("kept, or lost with both its replicas and full again")
                .allMatch(remaining -> remaining == LIMIT - USED || remaining == LIMIT);
    }

    /** Uses {@value #USED} tokens of 40 buckets spread over every member, kills members 2 and 3, peeks again. */
    private Map<String, Long> killTwoAndPeek() throws Exception {
        ManualTicker ticker = new ManualTicker();
        cluster.follow(ticker);
        HazelcastRateLimiter survivor = new HazelcastRateLimiter(cluster.member(0), Duration.ofSeconds(30));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add("double:" + i);
        }
        for (String key : keys) {
            for (int i = 0; i < USED; i++) {
                assertThat(get(survivor.tryConsume(key, SPEC)).allowed()).isTrue();
            }
        }
        // at once: both on their own threads, released together (one after the other, the cluster would copy
        // the first one's partitions anew before the second died)
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> killers = new ArrayList<>();
        for (HazelcastInstance victim : List.of(cluster.member(2), cluster.member(3))) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                victim.getLifecycleService().terminate();
            });
            t.start();
            killers.add(t);
        }
        go.countDown();
        for (Thread t : killers) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        Map<String, Long> after = new LinkedHashMap<>();
        for (String key : keys) {
            Decision d = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> get(survivor.peek(key, SPEC)), x -> true);
            after.put(key, d.remaining());
        }
        return after;
    }

    /** An hour's period: nothing refills while the test runs, whatever its stalls. */
    private static final LimitSpec SPEC = new LimitSpec(Algorithm.TOKEN_BUCKET, LIMIT, Duration.ofHours(1), LIMIT);

    private static Decision get(CompletionStage<Decision> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
