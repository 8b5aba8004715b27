package dev.gateway.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.internal.util.executor.HazelcastManagedThread;
import com.hazelcast.map.IMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The answers of map calls reach their plain futures off Hazelcast threads, with the result deserialized, and
 * without a hand-off of their own when Hazelcast already runs them in its common-pool task.
 */
class OneHopTest {
    private static LimitsCluster cluster;

    /** Counts the tasks OneHop hands to it, then runs them on the common pool. */
    private final AtomicInteger handedOff = new AtomicInteger();
    private final Executor counting = task -> {
        handedOff.incrementAndGet();
        ForkJoinPool.commonPool().execute(task);
    };

    @BeforeAll
    static void startCluster() {
        cluster = LimitsCluster.start("limits-one-hop", 5831, 2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRemoteMapCallCompletesOffHazelcastThreadsInHazelcastsOwnTask() throws Exception {
        IMap<String, String> map = cluster.member(0).getMap("one-hop");
        for (int i = 0; i < 20; i++) {
            String key = remoteKey("remote-" + i);
            String value = "value-" + i;
            map.put(key, value);

            CompletableFuture<Thread> where = OneHop.complete(map.getAsync(key), counting, read -> {
                if (!value.equals(read)) {
                    throw new IllegalStateException("read " + read + ", expected " + value);
                }
                return Thread.currentThread();
            });

            assertThat(where.get(10, TimeUnit.SECONDS)).isNotInstanceOf(HazelcastManagedThread.class);
        }
        assertThat(handedOff).as("no hand-off beyond the task Hazelcast runs anyway").hasValue(0);
    }

    @Test
    void aCallThatCannotBeSentIsAFailedFuture() {
        IMap<String, String> map = cluster.member(0).getMap("one-hop-failing");
        String key = remoteKey("failing");
        Object notSerializable = new Object();
        CompletableFuture<Object> failed = OneHop.call(
                () -> map.submitToKey(key, entry -> notSerializable), counting, Function.identity());

        assertThat(failed).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class);
    }

    @Test
    void aStageCompletedOnAHazelcastThreadIsHandedOff() throws Exception {
        CompletableFuture<String> stage = new CompletableFuture<>();
        CompletableFuture<Thread> where = OneHop.complete(stage, counting, value -> Thread.currentThread());
        Thread hazelcastThread = new HazelcastManagedThread(() -> stage.complete("x"));

        hazelcastThread.start();
        hazelcastThread.join(10_000);

        assertThat(where.get(10, TimeUnit.SECONDS)).isNotInstanceOf(HazelcastManagedThread.class);
        assertThat(handedOff).hasValue(1);
    }

    @Test
    void aPlainStageCompletesWhereItCompletes() throws Exception {
        CompletableFuture<String> stage = new CompletableFuture<>();
        CompletableFuture<String> mapped = OneHop.complete(stage, counting, value -> value + "!");

        stage.complete("x");

        assertThat(mapped).isCompletedWithValue("x!");
        assertThat(handedOff).hasValue(0);
    }

    /** A key whose partition member 1 owns, so that member 0's calls travel. */
    private static String remoteKey(String name) {
        for (int i = 0; ; i++) {
            String candidate = name + "-" + i;
            if (cluster.ownerOf(candidate) == cluster.member(1)) {
                return candidate;
            }
        }
    }
}
