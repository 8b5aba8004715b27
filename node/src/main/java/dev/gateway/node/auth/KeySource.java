package dev.gateway.node.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Where one JWT provider's keys come from: fixed (inline PEM, HS secret) or a JWKS URL. Thread-safe. */
interface KeySource extends AutoCloseable {

    /** The keys now; never null. */
    KeySet current();

    /** False while a JWKS source has never loaded a document (its verdicts are then 503, not 401). */
    default boolean loaded() {
        return true;
    }

    /**
     * A token named a key that {@link #current()} lacks: refresh if this source can and may now,
     * else complete at once with the current keys. Never completes exceptionally.
     */
    default CompletionStage<KeySet> refreshForUnknownKey() {
        return CompletableFuture.completedFuture(current());
    }

    /** Whether {@link #refreshForUnknownKey()} can ever bring new keys. */
    default boolean refreshable() {
        return false;
    }

    @Override
    default void close() {
    }

    static KeySource fixed(KeySet keys) {
        return () -> keys;
    }
}
