package dev.gateway.cluster.cache;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The response cache shared by the cluster ({@code scope: cluster}): a response cached through one node is served
 * by all. Lookups wait at most {@code timeout} and then count as misses; stores are fire-and-forget.
 */
public final class HazelcastResponseStore implements ResponseStore {
    private final IMap<String, StoredResponseValue> map;
    private final Duration timeout;

    public HazelcastResponseStore(HazelcastInstance hazelcast, Duration timeout) {
        this.map = hazelcast.getMap(CacheMaps.CACHE_MAP);
        this.timeout = timeout;
    }

    @Override
    public CompletionStage<StoredResponse> get(String key) {
        try {
            return map.getAsync(key).toCompletableFuture()
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((value, failure) -> failure != null || value == null ? null : value.response());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public void put(String key, StoredResponse response, Duration ttl) {
        try {
            map.setAsync(key, new StoredResponseValue(response), Math.max(1, ttl.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            // a cache: the next request fetches it again
        }
    }

    @Override
    public long purge(String prefix) {
        String like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        var predicate = Predicates.<String, StoredResponseValue>like("__key", like);
        int matching = map.keySet(predicate).size();
        map.removeAll(predicate);
        return matching;
    }

    /** Entries across the cluster, for metrics. */
    public long entries() {
        return map.size();
    }
}
