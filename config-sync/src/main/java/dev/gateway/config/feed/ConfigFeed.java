package dev.gateway.config.feed;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * The cluster's config versions: one current version, replaced only by a newer one. Implementations: in
 * memory (a standalone node, tests) and a Hazelcast map entry (the {@code cluster} module). All three calls
 * throw {@link ConfigFeedUnavailableException} when the cluster cannot answer (no quorum, say).
 */
public interface ConfigFeed {
    /**
     * Makes {@code candidate} the current version if its version is greater than the current one (or there is
     * none). Two publishers racing with the same version number: one is accepted, the other gets a conflict
     * naming the winner. Republishing the current version with the same content is accepted and changes nothing.
     */
    PublishOutcome publish(ConfigVersion candidate);

    /** The current version, if any was ever published. */
    Optional<ConfigVersion> latest();

    /**
     * Calls {@code listener} with the current version at once (when there is one) and then with every newer
     * version, in increasing order, never twice with the same one, on one thread at a time. Versions can be
     * skipped (a node that was away sees only the latest). Close the subscription to stop.
     */
    Subscription subscribe(Consumer<ConfigVersion> listener);

    /** An active {@link #subscribe} call; closing it is idempotent. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
