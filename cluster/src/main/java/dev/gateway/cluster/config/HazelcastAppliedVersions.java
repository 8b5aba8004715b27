package dev.gateway.cluster.config;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.gateway.config.feed.AppliedVersions;
import dev.gateway.config.feed.ConfigFeedUnavailableException;
import dev.gateway.config.feed.NodeConfigState;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link AppliedVersions} in {@value ConfigMaps#NODES_MAP}, one entry per node name. Both calls wait at most
 * {@code timeout} and throw {@link ConfigFeedUnavailableException} when the cluster does not answer.
 */
public final class HazelcastAppliedVersions implements AppliedVersions {
    private final IMap<String, StoredNodeState> map;
    private final Duration timeout;

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
            for (String node : map.keySet()) {
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
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new ConfigFeedUnavailableException("config states read failed: " + e.getMessage(), e);
        }
    }
}
