package dev.gateway.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.config.ConfigCodec;
import dev.gateway.config.ConfigError;
import dev.gateway.config.ConfigException;
import dev.gateway.config.SharedConfig;
import dev.gateway.config.feed.AppliedVersions;
import dev.gateway.config.feed.ConfigFeed;
import dev.gateway.config.feed.ConfigFeedUnavailableException;
import dev.gateway.config.feed.ConfigVersion;
import dev.gateway.config.feed.InMemoryAppliedVersions;
import dev.gateway.config.feed.InMemoryConfigFeed;
import dev.gateway.config.feed.LastAppliedFile;
import dev.gateway.config.feed.NodeConfigState;
import dev.gateway.config.feed.PublishOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's side of config versions, against the in-memory feed and an applier that records what it ran. */
class ConfigSyncTest {
    @TempDir
    Path dir;

    private final InMemoryConfigFeed feed = new InMemoryConfigFeed();
    private final InMemoryAppliedVersions applied = new InMemoryAppliedVersions();
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final List<ConfigSync> syncs = new ArrayList<>();

    @AfterEach
    void stop() {
        syncs.forEach(ConfigSync::close);
    }

    static SharedConfig shared(String marker) {
        try {
            return ConfigCodec.parseShared("""
                    upstreams:
                      app: {targets: [{url: "http://127.0.0.1:9"}]}
                    routes:
                      - {id: r, match: {path: /%s}, upstream: app}
                    """.formatted(marker), name -> null);
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Records applied versions; refuses any config whose route path contains "broken", and those containing
     * "flaky" while {@link #flaky} is set (a cause that passes, such as a key file mid-rotation).
     */
    static final class RecordingApplier implements VersionApplier {
        final List<ConfigVersion> applied = new ArrayList<>();
        volatile boolean flaky;
        int attempts;

        @Override
        public void apply(ConfigVersion version) throws ConfigRejectedException {
            attempts++;
            if (version.text().contains("broken") || (flaky && version.text().contains("flaky"))) {
                throw new ConfigRejectedException(List.of(new ConfigError("routes[0]", "broken here")));
            }
            applied.add(version);
        }

        @Override
        public List<ConfigError> check(SharedConfig config) {
            return ConfigCodec.toYaml(config).contains("broken")
                    ? List.of(new ConfigError("routes[0]", "broken here")) : List.of();
        }
    }

    private ConfigSync start(String node, SharedConfig file, RecordingApplier applier, ConfigFeed on,
                             LastAppliedFile store) throws ConfigRejectedException {
        ConfigSync sync = new ConfigSync(node, on, applied, applier, store, ConfigCodec.sha256(file), clock::get);
        syncs.add(sync);
        sync.start(file, Duration.ofHours(1));
        return sync;
    }

    @Test
    void theFirstNodeOfAnEmptyClusterPublishesItsFileAsVersionOne() throws Exception {
        RecordingApplier applier = new RecordingApplier();
        ConfigSync sync = start("gw-1", shared("a"), applier, feed, null);
        assertThat(feed.latest()).hasValueSatisfying(v -> {
            assertThat(v.version()).isEqualTo(1);
            assertThat(v.sha256()).isEqualTo(ConfigCodec.sha256(shared("a")));
        });
        assertThat(applier.applied).hasSize(1);
        assertThat(sync.notReadyReason()).isNull();
        assertThat(applied.all().get("gw-1").version()).isEqualTo(1);
    }

    @Test
    void aLaterNodeAdoptsTheClustersVersionNotItsFile() throws Exception {
        start("gw-1", shared("a"), new RecordingApplier(), feed, null);
        RecordingApplier second = new RecordingApplier();
        ConfigSync sync = start("gw-2", shared("different"), second, feed, null);
        assertThat(second.applied).extracting(ConfigVersion::sha256).containsExactly(ConfigCodec.sha256(shared("a")));
        assertThat(feed.latest().orElseThrow().version()).isEqualTo(1);
        assertThat(sync.notReadyReason()).isNull();
    }

    @Test
    void aPublishIsAppliedHereAndHeardByTheOtherNodes() throws Exception {
        RecordingApplier one = new RecordingApplier();
        RecordingApplier two = new RecordingApplier();
        ConfigSync first = start("gw-1", shared("a"), one, feed, null);
        ConfigSync second = start("gw-2", shared("a"), two, feed, null);
        PublishResult result = first.publish(shared("b"), "admin");
        assertThat(result.outcome()).isEqualTo(PublishResult.Outcome.PUBLISHED);
        assertThat(result.version().version()).isEqualTo(2);
        assertThat(result.appliedHere()).isNull();
        assertThat(first.running()).isEqualTo(result.version());
        assertThat(second.running()).isEqualTo(result.version());
        assertThat(first.publish(shared("b"), "admin").outcome()).isEqualTo(PublishResult.Outcome.UNCHANGED);
    }

    @Test
    void aConfigThatCannotRunIsRefusedBeforeAnythingIsPublished() throws Exception {
        ConfigSync sync = start("gw-1", shared("a"), new RecordingApplier(), feed, null);
        assertThatThrownBy(() -> sync.publish(shared("broken"), "admin"))
                .isInstanceOf(ConfigRejectedException.class).hasMessageContaining("routes[0]: broken here");
        assertThat(feed.latest().orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void aVersionThatFailsOnOneNodeLeavesItServingThePreviousOneAndNotReady() throws Exception {
        RecordingApplier picky = new RecordingApplier();
        ConfigSync sync = start("gw-1", shared("a"), picky, feed, null);
        // another node (whose applier accepts it) publishes a version this node cannot run
        ConfigVersion broken = ConfigVersion.of(2, shared("broken"), "gw-9", clock.get());
        assertThat(feed.publish(broken).accepted()).isTrue();
        assertThat(sync.running().version()).isEqualTo(1);
        assertThat(sync.notReadyReason()).contains("v2").contains("failed on this node").contains("broken here");
        assertThat(applied.all().get("gw-1").failedVersion()).isEqualTo(2);
        // a later good version heals it
        feed.publish(ConfigVersion.of(3, shared("c"), "gw-9", clock.get()));
        assertThat(sync.running().version()).isEqualTo(3);
        assertThat(sync.notReadyReason()).isNull();
        assertThat(applied.all().get("gw-1").failedVersion()).isZero();
    }

    @Test
    void aVersionThatFailedIsRetriedWithBackoffUntilItApplies() throws Exception {
        RecordingApplier applier = new RecordingApplier();
        ConfigSync sync = start("gw-1", shared("a"), applier, feed, null);
        applier.flaky = true;
        feed.publish(ConfigVersion.of(2, shared("flaky"), "gw-9", clock.get()));
        assertThat(sync.running().version()).isEqualTo(1);
        int attempts = applier.attempts;
        // waits of 1 s, 2 s, 4 s ... up to 30 s between attempts: none before its time
        long[] waits = {1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000};
        for (long wait : waits) {
            clock.addAndGet(wait - 1);
            sync.reconcile();
            assertThat(applier.attempts).as("no attempt before %d ms", wait).isEqualTo(attempts);
            clock.addAndGet(1);
            sync.reconcile();
            assertThat(applier.attempts).as("an attempt after %d ms", wait).isEqualTo(++attempts);
        }
        assertThat(sync.notReadyReason()).contains("v2").contains("failed on this node");
        applier.flaky = false; // the key file is back
        clock.addAndGet(30_000);
        sync.reconcile();
        assertThat(sync.running().version()).isEqualTo(2);
        assertThat(sync.notReadyReason()).isNull();
        assertThat(applied.all().get("gw-1").failedVersion()).isZero();
    }

    @Test
    void aPutOfTheSameContentRetriesAFailedVersionAtOnce() throws Exception {
        RecordingApplier applier = new RecordingApplier();
        ConfigSync sync = start("gw-1", shared("a"), applier, feed, null);
        applier.flaky = true;
        feed.publish(ConfigVersion.of(2, shared("flaky"), "gw-9", clock.get()));
        assertThat(sync.running().version()).isEqualTo(1);
        applier.flaky = false;
        // well within the backoff: only the PUT can make it try now
        PublishResult result = sync.publish(shared("flaky"), "admin");
        assertThat(result.outcome()).isEqualTo(PublishResult.Outcome.UNCHANGED);
        assertThat(sync.running().version()).isEqualTo(2);
        assertThat(sync.notReadyReason()).isNull();
    }

    @Test
    void aConcurrentPublishIsAConflictNamingTheWinner() throws Exception {
        RecordingApplier applier = new RecordingApplier();
        // a feed where another node's publish lands between this node's read and its write
        ConfigFeed racing = new ConfigFeed() {
            @Override
            public PublishOutcome publish(ConfigVersion candidate) {
                if (candidate.version() == 2 && feed.latest().orElseThrow().version() == 1) {
                    feed.publish(ConfigVersion.of(2, shared("other"), "gw-2", clock.get()));
                }
                return feed.publish(candidate);
            }

            @Override
            public Optional<ConfigVersion> latest() {
                return feed.latest();
            }

            @Override
            public Subscription subscribe(Consumer<ConfigVersion> listener) {
                return feed.subscribe(listener);
            }
        };
        ConfigSync sync = start("gw-1", shared("a"), applier, racing, null);
        PublishResult result = sync.publish(shared("mine"), "admin");
        assertThat(result.outcome()).isEqualTo(PublishResult.Outcome.CONFLICT);
        assertThat(result.version().publishedBy()).isEqualTo("gw-2");
        assertThat(sync.running().publishedBy()).isEqualTo("gw-2");
    }

    /** A publish the cluster took is a publish, even when this node's report of its own state then fails. */
    @Test
    void aPublishWhoseReportFailsIsStillPublished() throws Exception {
        RecordingApplier applier = new RecordingApplier();
        boolean[] failing = {false};
        AppliedVersions flaky = new AppliedVersions() {
            @Override
            public void report(NodeConfigState state) {
                if (failing[0]) {
                    throw new ConfigFeedUnavailableException("config report failed: a backup did not ack", null);
                }
                applied.report(state);
            }

            @Override
            public Map<String, NodeConfigState> all() {
                return applied.all();
            }
        };
        ConfigSync sync = new ConfigSync("gw-1", feed, flaky, applier, null, ConfigCodec.sha256(shared("a")), clock::get);
        syncs.add(sync);
        sync.start(shared("a"), Duration.ofHours(1));
        failing[0] = true;
        PublishResult result = sync.publish(shared("b"), "admin");
        assertThat(result.outcome()).isEqualTo(PublishResult.Outcome.PUBLISHED);
        assertThat(feed.latest()).hasValueSatisfying(v -> assertThat(v.version()).isEqualTo(2));
    }

    @Test
    void aNodeRestartedWithTheWholeClusterDownComesBackWithItsLastVersion() throws Exception {
        LastAppliedFile store = new LastAppliedFile(dir);
        ConfigSync before = start("gw-1", shared("a"), new RecordingApplier(), feed, store);
        before.publish(shared("b"), "admin");
        before.publish(shared("c"), "admin");
        before.close();

        InMemoryConfigFeed emptyCluster = new InMemoryConfigFeed();
        RecordingApplier after = new RecordingApplier();
        ConfigSync restarted = start("gw-1", shared("a"), after, emptyCluster, new LastAppliedFile(dir));
        assertThat(restarted.running().version()).isEqualTo(3);
        assertThat(restarted.running().sha256()).isEqualTo(ConfigCodec.sha256(shared("c")));
        assertThat(emptyCluster.latest().orElseThrow().version()).isEqualTo(3);
    }

    @Test
    void aConfigFileEditedWhileTheNodeWasDownSupersedesItsLastVersion() throws Exception {
        LastAppliedFile store = new LastAppliedFile(dir);
        ConfigSync before = start("gw-1", shared("a"), new RecordingApplier(), feed, store);
        before.publish(shared("b"), "admin");
        before.close();

        InMemoryConfigFeed emptyCluster = new InMemoryConfigFeed();
        ConfigSync restarted = start("gw-1", shared("edited"), new RecordingApplier(), emptyCluster,
                new LastAppliedFile(dir));
        assertThat(restarted.running().version()).isEqualTo(3);
        assertThat(restarted.running().sha256()).isEqualTo(ConfigCodec.sha256(shared("edited")));
    }

    @Test
    void aNodeRunningANewerVersionThanTheClusterRepublishesIt() throws Exception {
        ConfigSync sync = start("gw-1", shared("a"), new RecordingApplier(), feed, null);
        sync.publish(shared("b"), "admin");
        // the cluster lost its entry (every owner gone at once): the next check puts this node's version back
        InMemoryConfigFeed lost = new InMemoryConfigFeed();
        ConfigSync other = new ConfigSync("gw-1", lost, applied, new RecordingApplier(), null, null, clock::get);
        syncs.add(other);
        other.start(shared("b"), Duration.ofHours(1));
        assertThat(lost.latest().orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void whenNoCandidateCanRunTheStartFailsWithItsProblems() {
        ConfigSync sync = new ConfigSync("gw-1", feed, applied, new RecordingApplier(), null, null, clock::get);
        syncs.add(sync);
        assertThatThrownBy(() -> sync.start(shared("broken"), Duration.ofHours(1)))
                .isInstanceOf(ConfigRejectedException.class).hasMessageContaining("broken here");
        assertThat(feed.latest()).isEmpty();
    }
}
