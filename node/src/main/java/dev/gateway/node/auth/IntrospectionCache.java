package dev.gateway.node.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Verdicts of active tokens, by a hash of the token, each until its own expiry instant; at most
 * {@code maxEntries}, the oldest entry evicted first. Thread-safe (one short lock per call).
 */
final class IntrospectionCache {
    static final int DEFAULT_MAX_ENTRIES = 10_000;

    private record Entry(AuthResult result, long expiresAtMillis) {
    }

    private final Map<String, Entry> entries;

    IntrospectionCache(int maxEntries) {
        this.entries = new LinkedHashMap<>(Math.min(maxEntries, 1024), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The cached verdict, or null when absent or expired at {@code nowMillis}. */
    synchronized AuthResult get(String key, long nowMillis) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (e.expiresAtMillis() <= nowMillis) {
            entries.remove(key);
            return null;
        }
        return e.result();
    }

    synchronized void put(String key, AuthResult result, long expiresAtMillis) {
        entries.remove(key); // a re-put counts as new: it goes to the young end
        entries.put(key, new Entry(result, expiresAtMillis));
    }

    synchronized int size() {
        return entries.size();
    }
}
