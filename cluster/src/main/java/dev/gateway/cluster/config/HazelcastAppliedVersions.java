package dev.gateway.cluster.config;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.gateway.config.feed.AppliedVersions;
import dev.gateway.config.feed.ConfigFeedUnavailableException;
import dev.gateway.config.feed.NodeConfigState;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link AppliedVersions} in {@value ConfigMaps#NODES_MAP}, one entry per node name. Both calls wait at most
 * {@code timeout} and throw {@link ConfigFeedUnavailableException} when the cluster does not answer.
 * Hazelcast has no asynchronous key set and its blocking one waits as long as it retries (a minute when a
 * partition's owner cannot be reached), so the keys are read on a thread of their own that callers wait for
 * within their deadline. A read still running is shared by the callers that come within {@code timeout} of its
 * start; a caller after that starts a fresh one, so that once the cluster answers again (a partition healed)
 * the next call answers too, instead of joining a read that waits out Hazelcast's retries. Readers that wait on an
 * unanswering cluster are thus at most one per {@code timeout}, each until Hazelcast gives up.
 */
public final class HazelcastAppliedVersions implements AppliedVersions {
    private final IMap<String, StoredNodeState> map;
    private final Duration timeout;
    private final AtomicReference<KeysRead> keysRead = new AtomicReference<>();

    private record KeysRead(long startedNanos, CompletableFuture<Set<String>> keys) {
    }

    public HazelcastAppliedVersions(HazelcastInstance hazelcast, Duration timeout) {
        this.map = hazelcast.getMap(ConfigMaps.NODES_MAP);
        this.timeout = timeout;
    }

    @Override
    public void report(NodeConfigState state) {
        try {
            map.setAsync(state.node(), new StoredNodeState(state)).toCompletableFuture()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigFeedUnavailableException("config report interrupted", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new ConfigFeedUnavailableException("config report failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, NodeConfigState> all() {
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            Map<String, CompletableFuture<StoredNodeState>> pending = new TreeMap<>();
            Set<String> keys = keys().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            for (String node : keys) {
                pending.put(node, map.getAsync(node).toCompletableFuture());
            }
            Map<String, NodeConfigState> out = new TreeMap<>();
            for (Map.Entry<String, CompletableFuture<StoredNodeState>> e : pending.entrySet()) {
                StoredNodeState stored = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (stored != null) {
                    out.put(e.getKey(), stored.state());
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigFeedUnavailableException("config states read interrupted", e);
        } catch (TimeoutException e) {
            throw new ConfigFeedUnavailableException("config states read failed: the cluster did not answer within "
                    + timeout.toMillis() + " ms", e);
        } catch (ExecutionException | RuntimeException e) {
            throw new ConfigFeedUnavailableException("config states read failed: " + e.getMessage(), e);
        }
    }

    /** The map's keys: the read in flight if it started within {@code timeout}, else a new one on its own daemon thread. */
    private CompletableFuture<Set<String>> keys() {
        while (true) {
            KeysRead current = keysRead.get();
            long now = System.nanoTime();
            if (current != null && !current.keys().isDone() && now - current.startedNanos() < timeout.toNanos()) {
                return current.keys();
            }
            KeysRead read = new KeysRead(now, new CompletableFuture<>());
            if (keysRead.compareAndSet(current, read)) {
                Thread reader = new Thread(() -> {
                    try {
                        read.keys().complete(Set.copyOf(map.keySet()));
                    } catch (RuntimeException e) {
                        read.keys().completeExceptionally(e);
                    }
                }, "gateway-config-states-keys");
                reader.setDaemon(true);
                reader.start();
                return read.keys();
            }
        }
    }
}
