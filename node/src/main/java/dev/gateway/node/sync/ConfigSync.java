package dev.gateway.node.sync;

import dev.gateway.config.ConfigCodec;
import dev.gateway.config.ConfigError;
import dev.gateway.config.SharedConfig;
import dev.gateway.config.feed.AppliedVersions;
import dev.gateway.config.feed.ConfigFeed;
import dev.gateway.config.feed.ConfigFeedUnavailableException;
import dev.gateway.config.feed.ConfigVersion;
import dev.gateway.config.feed.LastAppliedFile;
import dev.gateway.config.feed.NodeConfigState;
import dev.gateway.config.feed.PublishOutcome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node on the cluster's config version. The cluster's feed is the authority: a version there that
 * differs from the one served here (and is not older) is applied; a version that fails here is not, the node
 * keeps serving the previous one, reports the failure and is not ready. A failed version is tried again (its
 * cause may pass: a key file mid-rotation), after 1 s, then after twice the previous wait up to 30 s, and at
 * once when a PUT publishes the same content again. A node serving a newer version than
 * the feed holds (the cluster restarted empty, or this node brought its last version from disk) publishes it.
 * It hears of versions by subscription and checks every {@code reconcileEvery} (events can be lost), reports
 * what it runs to {@link AppliedVersions}, and keeps its last applied version on disk.
 *
 * <p>Where a node starts from: the cluster's version when there is one; else its last applied version from
 * disk (unless the config file was edited since: the file is then the newer intent, published one version
 * up); else its file, as version 1. Thread-safe: applies run one at a time.
 */
public final class ConfigSync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigSync.class);
    private static final int REPORT_EVERY_TICKS = 10;
    static final long FIRST_RETRY_MILLIS = 1_000;
    static final long MAX_RETRY_MILLIS = 30_000;

    private final String node;
    private final ConfigFeed feed;
    private final AppliedVersions applied;
    private final VersionApplier applier;
    private final LastAppliedFile store;
    private final String fileSha;
    private final LongSupplier millis;
    private ConfigVersion running;
    private ConfigVersion failed;
    private String failedError;
    /** Failed attempts at {@link #failed} in a row, and when the next may start. */
    private int failedAttempts;
    private long retryAtMillis;
    private volatile ConfigVersion clusterLatest;
    private volatile boolean confirmed;
    private volatile String readiness = "starting";
    private ConfigFeed.Subscription subscription;
    private ScheduledFuture<?> ticks;
    /** Its own thread: a check may wait seconds on an unreachable cluster, which no request-path timer may. */
    private final ScheduledExecutorService checks = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-config-sync");
        t.setDaemon(true);
        return t;
    });
    private int tick;

    /**
     * @param store   where the last applied version is kept; null for nowhere
     * @param fileSha the hash of the config file's shared part this node started with (null: none)
     */
    public ConfigSync(String node, ConfigFeed feed, AppliedVersions applied, VersionApplier applier,
                      LastAppliedFile store, String fileSha, LongSupplier millis) {
        this.node = node;
        this.feed = feed;
        this.applied = applied;
        this.applier = applier;
        this.store = store;
        this.fileSha = fileSha;
        this.millis = millis;
    }

    /**
     * Picks the version to start with (see the class comment), applies it, and starts following the cluster.
     *
     * @throws ConfigRejectedException when no candidate applies here (the last candidate's problems)
     */
    public void start(SharedConfig file, Duration reconcileEvery)
            throws ConfigRejectedException {
        ConfigVersion local = localCandidate(file);
        Optional<ConfigVersion> latest = Optional.empty();
        try {
            latest = feed.latest();
        } catch (ConfigFeedUnavailableException e) {
            log.warn("config: cannot read the cluster's version at start ({}); starting from {}",
                    e.getMessage(), local.label());
        }
        List<ConfigVersion> candidates = new ArrayList<>();
        if (latest.isPresent() && latest.get().version() >= local.version()) {
            candidates.add(latest.get());
            if (!latest.get().sha256().equals(fileSha) && fileSha != null) {
                log.warn("config: this node's config file differs from the cluster's {}; serving the cluster's"
                        + " (publish the file with PUT /admin/config or --watch)", latest.get().label());
            }
        }
        candidates.add(local);
        synchronized (this) {
            ConfigRejectedException last = null;
            for (ConfigVersion candidate : candidates) {
                try {
                    applyLocked(candidate);
                    last = null;
                    break;
                } catch (ConfigRejectedException e) {
                    last = e;
                }
            }
            if (last != null) {
                throw last;
            }
        }
        subscription = feed.subscribe(this::onClusterVersion);
        reconcile();
        long every = reconcileEvery.toMillis();
        ticks = checks.scheduleWithFixedDelay(this::reconcile, every, every, TimeUnit.MILLISECONDS);
    }

    private ConfigVersion localCandidate(SharedConfig file) {
        ConfigVersion fromFile = ConfigVersion.of(1, file, node, millis.getAsLong());
        if (store == null) {
            return fromFile;
        }
        try {
            Optional<LastAppliedFile.Stored> stored = store.load();
            if (stored.isEmpty()) {
                return fromFile;
            }
            ConfigVersion last = stored.get().version();
            String fileThen = stored.get().fileSha256();
            if (fileSha != null && fileThen != null && !fileThen.equals(fileSha) && !last.sha256().equals(fileSha)) {
                log.info("config: the config file changed since this node last ran; it supersedes {} from {}",
                        last.label(), store.path());
                return ConfigVersion.of(last.version() + 1, file, node, millis.getAsLong());
            }
            log.info("config: last applied {} restored from {}", last.label(), store.path());
            return last;
        } catch (IOException e) {
            log.warn("config: ignoring the stored config: {}", e.getMessage());
            return fromFile;
        }
    }

    /** A version heard from the cluster (subscription or poll). */
    private void onClusterVersion(ConfigVersion version) {
        clusterLatest = version;
        synchronized (this) {
            if (version.sameAs(running)) {
                confirmed = true;
            } else if (version.version() >= running.version()
                    && (!version.sameAs(failed) || millis.getAsLong() >= retryAtMillis)) {
                try {
                    applyLocked(version);
                    confirmed = true;
                } catch (ConfigRejectedException e) {
                    // logged and reported by applyLocked
                }
            }
            updateReadiness();
        }
    }

    /** One check against the cluster: publishes what this node runs when the feed lacks it, else catches up. */
    void reconcile() {
        try {
            Optional<ConfigVersion> latest = feed.latest();
            ConfigVersion serving;
            synchronized (this) {
                serving = running;
            }
            if (latest.isEmpty() || serving.version() > latest.get().version()) {
                PublishOutcome outcome = feed.publish(serving);
                if (outcome.accepted()) {
                    log.info("config: published {} (the cluster had {})", serving.label(),
                            latest.map(ConfigVersion::label).orElse("none"));
                }
                onClusterVersion(outcome.current());
            } else {
                onClusterVersion(latest.get());
            }
            if (tick++ % REPORT_EVERY_TICKS == 0) {
                report();
            }
        } catch (ConfigFeedUnavailableException e) {
            // readiness already says the cluster is not there; the next tick retries
        } catch (RuntimeException e) {
            log.warn("config: reconcile failed", e);
        }
    }

    /**
     * Publishes {@code config} as the cluster's next version and applies it here. Checked first: a config this
     * node cannot run is refused with every problem and nothing changes anywhere.
     *
     * @throws ConfigRejectedException        when the config cannot run here
     * @throws ConfigFeedUnavailableException when the cluster cannot take a publish now
     */
    public PublishResult publish(SharedConfig config, String publishedBy) throws ConfigRejectedException {
        List<ConfigError> problems = applier.check(config);
        if (!problems.isEmpty()) {
            throw new ConfigRejectedException(problems);
        }
        Optional<ConfigVersion> latest = feed.latest();
        String sha = ConfigCodec.sha256(config);
        if (latest.isPresent() && latest.get().sha256().equals(sha)) {
            synchronized (this) {
                if (latest.get().sameAs(failed)) {
                    retryAtMillis = 0; // the publisher asks again: try now, not after the backoff
                }
            }
            onClusterVersion(latest.get());
            return new PublishResult(PublishResult.Outcome.UNCHANGED, latest.get(), appliedHere(latest.get()));
        }
        long next = latest.map(v -> v.version() + 1).orElse(1L);
        ConfigVersion candidate = ConfigVersion.of(next, config, publishedBy, millis.getAsLong());
        PublishOutcome outcome = feed.publish(candidate);
        onClusterVersion(outcome.current());
        if (!outcome.accepted()) {
            return new PublishResult(PublishResult.Outcome.CONFLICT, outcome.current(), appliedHere(outcome.current()));
        }
        log.info("config: {} published by {}", candidate.label(), publishedBy);
        // the version is the cluster's now: a report of this node's state that fails (a backup slow to ack, say)
        // must not turn the publish into a refusal; the periodic report tells the cluster soon after
        reportQuietly();
        return new PublishResult(PublishResult.Outcome.PUBLISHED, candidate, appliedHere(candidate));
    }

    private synchronized String appliedHere(ConfigVersion version) {
        if (version.sameAs(running)) {
            return null;
        }
        return version.sameAs(failed) ? failedError : "this node serves " + running.label();
    }

    private void applyLocked(ConfigVersion version) throws ConfigRejectedException {
        try {
            applier.apply(version);
        } catch (ConfigRejectedException e) {
            failedAttempts = version.sameAs(failed) ? failedAttempts + 1 : 1;
            failed = version;
            failedError = e.getMessage();
            long wait = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(failedAttempts - 1, 16));
            retryAtMillis = millis.getAsLong() + wait;
            log.error("config: {} cannot run on this node (attempt {}, next in {} ms); still serving {}: {}",
                    version.label(), failedAttempts, wait, running == null ? "nothing" : running.label(), e.getMessage());
            updateReadiness();
            reportQuietly();
            throw e;
        }
        running = version;
        if (version.sameAs(failed) || (failed != null && version.version() >= failed.version())) {
            failed = null;
            failedError = null;
            failedAttempts = 0;
        }
        log.info("config: serving {}", version.label());
        if (store != null) {
            try {
                store.save(version, fileSha);
            } catch (IOException e) {
                log.warn("config: cannot keep {} on disk at {}: {}", version.label(), store.path(), e.getMessage());
            }
        }
        updateReadiness();
        reportQuietly();
    }

    private void updateReadiness() {
        ConfigVersion cluster = clusterLatest;
        if (running == null) {
            readiness = "no config applied yet";
        } else if (failed != null && failed.sameAs(cluster)) {
            readiness = "config " + failed.label() + " failed on this node (" + failedError + "); serving "
                    + running.label();
        } else if (cluster != null && !cluster.sameAs(running) && cluster.version() >= running.version()) {
            readiness = "config behind: serving " + running.label() + ", the cluster has " + cluster.label();
        } else if (!confirmed) {
            readiness = "config " + running.label() + " not yet confirmed by the cluster";
        } else {
            readiness = null;
        }
    }

    /** Null when this node serves the cluster's version; else why not. */
    public String notReadyReason() {
        return readiness;
    }

    /** The problems that would make {@code config} fail on this node; empty when it would apply. */
    public List<ConfigError> check(SharedConfig config) {
        return applier.check(config);
    }

    /** The version this node serves. */
    public synchronized ConfigVersion running() {
        return running;
    }

    /** The cluster's version as last heard, or null. */
    public ConfigVersion clusterVersion() {
        return clusterLatest;
    }

    /** This node's state as it reports it. */
    public synchronized NodeConfigState state() {
        return new NodeConfigState(node, running == null ? 0 : running.version(), running == null ? "" : running.sha256(),
                failed == null ? 0 : failed.version(), failed == null ? null : failedError, millis.getAsLong());
    }

    private void report() {
        applied.report(state());
    }

    private void reportQuietly() {
        try {
            report();
        } catch (ConfigFeedUnavailableException e) {
            // the periodic report retries
        }
    }

    @Override
    public void close() {
        if (ticks != null) {
            ticks.cancel(false);
        }
        checks.shutdownNow();
        if (subscription != null) {
            subscription.close();
        }
    }
}
