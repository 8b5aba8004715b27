package dev.gateway.cluster.member;

import static dev.gateway.cluster.member.MemberTestSupport.ports;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import java.io.File;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Values are written on one member and read on the other, so the reader deserializes what the writer's Java
 * serialization produced: the allow-list decides.
 */
class DeserializationFilterTest {
    private static List<ClusterMember> members;
    private static HazelcastInstance writer;
    private static HazelcastInstance reader;

    @BeforeAll
    static void start() {
        members = MemberTestSupport.startAll(MemberTestSupport.uniqueClusterName("filter"), 1, ports(5931, 2),
                config -> { });
        writer = members.get(0).hazelcast();
        reader = members.get(1).hazelcast();
        await().atMost(Duration.ofSeconds(20)).until(() -> members.stream().allMatch(m -> m.size() == 2));
    }

    @AfterAll
    static void stop() {
        MemberTestSupport.terminateAll(members);
    }

    /** A Java-serialized value of ours, made of allowed JDK types. */
    record Quota(String consumer, List<Long> counts, Map<String, Instant> seen) implements Serializable {
    }

    @Test
    void ourClassesAndJdkValueTypesCrossMembers() {
        Quota quota = new Quota("alice", List.of(1L, 2L), Map.of("gw-1", Instant.ofEpochSecond(7)));
        writer.getMap("values").set("ok", quota);

        assertThat(reader.getMap("values").get("ok")).isEqualTo(quota);
    }

    @Test
    void aJdkClassOffTheListIsRefused() {
        writer.getMap("values").set("counter", new AtomicInteger(3));
        writer.getMap("values").set("file", new File("/etc/passwd"));

        assertThatThrownBy(() -> reader.getMap("values").get("counter"))
                .isInstanceOf(HazelcastSerializationException.class)
                .hasRootCauseInstanceOf(SecurityException.class)
                .rootCause().hasMessage("Resolving class java.util.concurrent.atomic.AtomicInteger is not allowed.");
        assertThatThrownBy(() -> reader.getMap("values").get("file"))
                .hasRootCauseMessage("Resolving class java.io.File is not allowed.");
    }

    @Test
    void anExceptionThrownOnTheKeyOwnerReachesTheCallerIntact() {
        String key = keyOwnedBy(reader, "boom");

        assertThatThrownBy(() -> writer.<String, String>getMap("values").executeOnKey(key, new Failing()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("refused by the owner");
    }

    @Test
    void bucket4jEntryProcessorsRunOnTheRemoteOwner() {
        IMap<String, byte[]> buckets = writer.getMap("buckets");
        ProxyManager<String> proxies = Bucket4jHazelcast.entryProcessorBasedBuilder(buckets).build();
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(3).refillGreedy(3, Duration.ofHours(1)))
                .build();
        String key = keyOwnedBy(reader, "bucket");
        Bucket bucket = proxies.builder().build(key, () -> configuration);

        assertThat(IntStream.range(0, 4).mapToObj(i -> bucket.tryConsume(1)).toList())
                .containsExactly(true, true, true, false);
        Bucket seenFromReader = Bucket4jHazelcast.entryProcessorBasedBuilder(reader.<String, byte[]>getMap("buckets"))
                .build().builder().build(key, () -> configuration);
        assertThat(seenFromReader.getAvailableTokens()).isZero();
    }

    static final class Failing implements EntryProcessor<String, String, String> {
        @Override
        public String process(Map.Entry<String, String> entry) {
            throw new IllegalStateException("refused by the owner");
        }
    }

    private static String keyOwnedBy(HazelcastInstance owner, String prefix) {
        Member member = owner.getCluster().getLocalMember();
        return IntStream.range(0, 10_000).mapToObj(i -> prefix + i)
                .filter(key -> member.equals(owner.getPartitionService().getPartition(key).getOwner()))
                .findFirst().orElseThrow();
    }
}
