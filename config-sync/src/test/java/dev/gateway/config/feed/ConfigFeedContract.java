package dev.gateway.config.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.config.ConfigCodec;
import dev.gateway.config.ConfigException;
import dev.gateway.config.SharedConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ConfigFeed} promises. {@link #feed()} and {@link #otherNode()} are two handles on one
 * shared feed (the same object in memory; two members of one cluster for Hazelcast), so delivery is tested
 * across them. Implementations may deliver asynchronously: assertions on listeners wait up to 10 s.
 */
public abstract class ConfigFeedContract {
    private static final Duration DELIVERY = Duration.ofSeconds(10);

    /** The feed of "this node", empty at the start of each test. */
    protected abstract ConfigFeed feed();

    /** The same feed seen from another node. */
    protected abstract ConfigFeed otherNode();

    /** Version {@code version} of a config whose one route's path is {@code /v<marker>}. */
    public static ConfigVersion version(long version, String marker) {
        String yaml = """
                upstreams:
                  app: {targets: [{url: "http://127.0.0.1:9"}]}
                routes:
                  - {id: r, match: {path: /%s}, upstream: app}
                """.formatted(marker);
        try {
            SharedConfig shared = ConfigCodec.parseShared(yaml, name -> null);
            return ConfigVersion.of(version, shared, "node-" + marker, 1_700_000_000_000L + version);
        } catch (ConfigException e) {
            throw new AssertionError(e.errors().toString(), e);
        }
    }

    @Test
    void emptyFeedHasNoVersion() {
        assertThat(feed().latest()).isEmpty();
    }

    @Test
    void theFirstPublishIsAccepted() {
        ConfigVersion v1 = version(1, "a");
        PublishOutcome outcome = feed().publish(v1);
        assertThat(outcome.accepted()).isTrue();
        assertThat(outcome.current()).isEqualTo(v1);
        assertThat(feed().latest()).contains(v1);
        assertThat(otherNode().latest()).contains(v1);
    }

    @Test
    void aNewerVersionReplacesTheCurrentOne() {
        feed().publish(version(1, "a"));
        ConfigVersion v2 = version(2, "b");
        assertThat(otherNode().publish(v2).accepted()).isTrue();
        assertThat(feed().latest()).contains(v2);
    }

    @Test
    void anOlderOrEqualVersionWithOtherContentIsAConflictNamingTheWinner() {
        ConfigVersion v2 = version(2, "a");
        feed().publish(v2);
        PublishOutcome older = otherNode().publish(version(1, "b"));
        PublishOutcome same = otherNode().publish(version(2, "c"));
        assertThat(older.accepted()).isFalse();
        assertThat(older.current()).isEqualTo(v2);
        assertThat(same.accepted()).isFalse();
        assertThat(same.current()).isEqualTo(v2);
        assertThat(feed().latest()).contains(v2);
    }

    @Test
    void republishingTheCurrentVersionIsAcceptedAndChangesNothing() {
        ConfigVersion v1 = version(1, "a");
        feed().publish(v1);
        PublishOutcome again = otherNode().publish(version(1, "a"));
        assertThat(again.accepted()).isTrue();
        assertThat(feed().latest()).contains(v1);
    }

    @Test
    void ofConcurrentPublishesOfOneVersionExactlyOneWins() throws Exception {
        feed().publish(version(1, "base"));
        int racers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<PublishOutcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                ConfigFeed handle = i % 2 == 0 ? feed() : otherNode();
                ConfigVersion candidate = version(2, "racer" + i);
                outcomes.add(pool.submit(() -> {
                    start.await();
                    return handle.publish(candidate);
                }));
            }
            start.countDown();
            List<PublishOutcome> results = new ArrayList<>();
            for (Future<PublishOutcome> f : outcomes) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            assertThat(results).filteredOn(PublishOutcome::accepted).hasSize(1);
            ConfigVersion winner = results.stream().filter(PublishOutcome::accepted).findFirst().orElseThrow().current();
            assertThat(results).allSatisfy(r -> assertThat(r.current()).isEqualTo(winner));
            assertThat(feed().latest()).contains(winner);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSubscriberGetsTheLatestAtOnceThenEveryNewerVersionInOrder() {
        ConfigVersion v1 = version(1, "a");
        feed().publish(v1);
        List<ConfigVersion> seen = Collections.synchronizedList(new ArrayList<>());
        try (ConfigFeed.Subscription ignored = otherNode().subscribe(seen::add)) {
            await().atMost(DELIVERY).untilAsserted(() -> assertThat(seen).containsExactly(v1));
            ConfigVersion v2 = version(2, "b");
            ConfigVersion v3 = version(3, "c");
            feed().publish(v2);
            feed().publish(version(2, "late")); // a conflict: never delivered
            feed().publish(v3);
            await().atMost(DELIVERY).untilAsserted(() -> assertThat(seen).endsWith(v3));
            assertThat(seen).doesNotHaveDuplicates().isSortedAccordingTo(
                    (x, y) -> Long.compare(x.version(), y.version()));
            assertThat(seen).allSatisfy(v -> assertThat(v.publishedBy()).isNotEqualTo("node-late"));
        }
    }

    @Test
    void aSubscriptionOnAnEmptyFeedWaitsForTheFirstVersion() {
        List<ConfigVersion> seen = Collections.synchronizedList(new ArrayList<>());
        try (ConfigFeed.Subscription ignored = feed().subscribe(seen::add)) {
            ConfigVersion v1 = version(1, "a");
            otherNode().publish(v1);
            await().atMost(DELIVERY).untilAsserted(() -> assertThat(seen).containsExactly(v1));
        }
    }

    @Test
    void aClosedSubscriptionGetsNothingMore() {
        feed().publish(version(1, "a"));
        List<ConfigVersion> seen = Collections.synchronizedList(new ArrayList<>());
        ConfigFeed.Subscription subscription = feed().subscribe(seen::add);
        await().atMost(DELIVERY).until(() -> seen.size() == 1);
        subscription.close();
        subscription.close();
        ConfigVersion v2 = version(2, "b");
        otherNode().publish(v2);
        // a second, open subscriber proves v2 was delivered by then
        List<ConfigVersion> witness = Collections.synchronizedList(new ArrayList<>());
        try (ConfigFeed.Subscription ignored = feed().subscribe(witness::add)) {
            await().atMost(DELIVERY).until(() -> witness.contains(v2));
        }
        assertThat(seen).hasSize(1);
    }

    @Test
    void aThrowingSubscriberStillGetsLaterVersions() {
        List<ConfigVersion> seen = Collections.synchronizedList(new ArrayList<>());
        try (ConfigFeed.Subscription ignored = feed().subscribe(v -> {
            seen.add(v);
            throw new IllegalStateException("subscriber failed on " + v.label());
        })) {
            feed().publish(version(1, "a"));
            await().atMost(DELIVERY).until(() -> seen.size() == 1);
            ConfigVersion v2 = version(2, "b");
            otherNode().publish(v2);
            await().atMost(DELIVERY).until(() -> seen.contains(v2));
        }
    }
}
