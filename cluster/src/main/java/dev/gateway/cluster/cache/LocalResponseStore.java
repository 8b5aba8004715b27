package dev.gateway.cluster.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * A node's own response cache ({@code scope: node}): Caffeine, bounded by {@code maxBytes} of bodies and headers,
 * each entry expiring after its own time to live. Thread-safe; lookups complete at once.
 */
public final class LocalResponseStore implements ResponseStore {
    private final Cache<String, Entry> cache;

    private record Entry(StoredResponse response, long ttlNanos) {
    }

    public LocalResponseStore(long maxBytes) {
        this(maxBytes, System::nanoTime);
    }

    /** @param nanoTime the clock expiry reads (tests move it by hand) */
    public LocalResponseStore(long maxBytes, LongSupplier nanoTime) {
        Ticker ticker = nanoTime::getAsLong;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, Entry e) -> e.response().weight() + key.length())
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry e, long now) {
                        return e.ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry e, long now, long current) {
                        return e.ttlNanos();
                    }

                    @Override
                    public long expireAfterRead(String key, Entry e, long now, long current) {
                        return current;
                    }
                })
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    @Override
    public CompletionStage<StoredResponse> get(String key) {
        Entry e = cache.getIfPresent(key);
        return CompletableFuture.completedFuture(e == null ? null : e.response());
    }

    @Override
    public void put(String key, StoredResponse response, Duration ttl) {
        cache.put(key, new Entry(response, ttl.toNanos()));
    }

    @Override
    public long purge(String prefix) {
        long[] removed = {0};
        cache.asMap().keySet().removeIf(k -> {
            if (k.startsWith(prefix)) {
                removed[0]++;
                return true;
            }
            return false;
        });
        return removed[0];
    }

    /** Entries and their weight now, for metrics. */
    public long entries() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
