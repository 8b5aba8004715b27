package dev.gateway.cluster.config;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.gateway.config.feed.ConfigFeed;
import dev.gateway.config.feed.ConfigFeedUnavailableException;
import dev.gateway.config.feed.ConfigVersion;
import dev.gateway.config.feed.OrderedDelivery;
import dev.gateway.config.feed.PublishOutcome;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link ConfigFeed} of a cluster: one entry of {@value ConfigMaps#CONFIG_MAP}, written only by
 * {@link PublishProcessor} on its owner. Subscribers hear of a new version by an entry listener and, because
 * events can be lost (a member dies, a split heals, this node rejoins), by a poll every {@code pollInterval};
 * {@link OrderedDelivery} turns both into one ordered stream per subscriber. Deliveries run on this feed's
 * own thread, never on Hazelcast's event threads. Close the feed before the member.
 */
public final class HazelcastConfigFeed implements ConfigFeed, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HazelcastConfigFeed.class.getName());

    private final IMap<String, StoredConfig> map;
    private final Duration timeout;
    private final ScheduledExecutorService worker;
    private final CopyOnWriteArrayList<OrderedDelivery> subscribers = new CopyOnWriteArrayList<>();
    private final UUID listener;
    private final ScheduledFuture<?> poller;
    private volatile boolean pollFailing;

    /**
     * @param timeout      longest a publish or read waits for the cluster
     * @param pollInterval how often subscribers are brought up to date even without an event
     */
    public HazelcastConfigFeed(HazelcastInstance hazelcast, Duration timeout, Duration pollInterval) {
        this.map = hazelcast.getMap(ConfigMaps.CONFIG_MAP);
        this.timeout = timeout;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gateway-config-feed");
            t.setDaemon(true);
            return t;
        });
        this.listener = map.addEntryListener(new Events(), ConfigMaps.KEY, true);
        this.poller = worker.scheduleWithFixedDelay(this::poll, pollInterval.toMillis(), pollInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public PublishOutcome publish(ConfigVersion candidate) {
        StoredConfig now = await(map.submitToKey(ConfigMaps.KEY, new PublishProcessor(candidate)), "publish");
        worker.execute(() -> deliver(now.version()));
        return PublishOutcome.of(candidate, now.version());
    }

    @Override
    public Optional<ConfigVersion> latest() {
        StoredConfig stored = await(map.getAsync(ConfigMaps.KEY), "read");
        return Optional.ofNullable(stored).map(StoredConfig::version);
    }

    @Override
    public Subscription subscribe(Consumer<ConfigVersion> listener) {
        OrderedDelivery delivery = new OrderedDelivery(listener,
                e -> LOG.log(Level.WARNING, "a config subscriber failed", e));
        subscribers.add(delivery);
        worker.execute(() -> {
            try {
                latest().ifPresent(delivery::offer);
            } catch (ConfigFeedUnavailableException e) {
                // the poll catches up once the cluster answers
            }
        });
        return () -> {
            delivery.close();
            subscribers.remove(delivery);
        };
    }

    /** Brings every subscriber up to date now (after a merge or a rejoin, say), on the feed's thread. */
    public void catchUp() {
        if (!worker.isShutdown()) {
            worker.execute(this::poll);
        }
    }

    private void poll() {
        if (subscribers.isEmpty()) {
            return;
        }
        try {
            latest().ifPresent(this::deliver);
            if (pollFailing) {
                LOG.info("config feed: the cluster answers again");
                pollFailing = false;
            }
        } catch (ConfigFeedUnavailableException e) {
            if (!pollFailing) {
                LOG.warning("config feed: cannot read the cluster's config (" + e.getMessage() + "); will retry");
                pollFailing = true;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "config feed: poll failed", e);
        }
    }

    private void deliver(ConfigVersion version) {
        subscribers.forEach(s -> s.offer(version));
    }

    private <T> T await(CompletionStage<T> stage, String what) {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigFeedUnavailableException("config " + what + " interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ConfigFeedUnavailableException("config " + what + " failed: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new ConfigFeedUnavailableException("config " + what + " took longer than " + timeout.toMillis()
                    + " ms", e);
        } catch (RuntimeException e) {
            throw new ConfigFeedUnavailableException("config " + what + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        poller.cancel(false);
        try {
            map.removeEntryListener(listener);
        } catch (RuntimeException e) {
            // the member is already gone
        }
        worker.shutdownNow();
    }

    private final class Events implements EntryAddedListener<String, StoredConfig>,
            EntryUpdatedListener<String, StoredConfig>, EntryMergedListener<String, StoredConfig> {
        @Override
        public void entryAdded(EntryEvent<String, StoredConfig> event) {
            onEvent(event);
        }

        @Override
        public void entryUpdated(EntryEvent<String, StoredConfig> event) {
            onEvent(event);
        }

        @Override
        public void entryMerged(EntryEvent<String, StoredConfig> event) {
            onEvent(event);
        }

        private void onEvent(EntryEvent<String, StoredConfig> event) {
            StoredConfig value = event.getValue();
            if (value != null && !worker.isShutdown()) {
                try {
                    worker.execute(() -> deliver(value.version()));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // closing
                }
            }
        }
    }
}
