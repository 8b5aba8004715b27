package dev.gateway.cluster.cache;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Where cached responses live: this node's memory ({@link LocalResponseStore}) or a Hazelcast map shared by the
 * cluster ({@link HazelcastResponseStore}), both bounded in size and evicting the least recently used entries.
 * Never blocks: a lookup completes later, a store goes in the background. A store that cannot answer makes a
 * lookup a miss, never a failed request.
 */
public interface ResponseStore {
    /** The entry under {@code key}, or null (also when expired, evicted, or the store cannot answer). */
    CompletionStage<StoredResponse> get(String key);

    /** Stores {@code response} under {@code key} for {@code ttl}; best effort. */
    void put(String key, StoredResponse response, Duration ttl);

    /** Removes every entry whose key starts with {@code prefix}; returns how many (waits for the cluster). */
    long purge(String prefix);
}
