package dev.gateway.cluster.history;

import dev.gateway.config.feed.ConfigVersion;
import java.util.List;

/**
 * The last {@value #KEEP} config versions the cluster ran, with who published each and when, for the console's
 * history and diff: this process's memory ({@link InMemoryConfigHistory}) or a Hazelcast map every member reads
 * ({@link HazelcastConfigHistory}). Every node records each version it applies; recording a version again is a no-op.
 */
public interface ConfigHistory {
    /** How many versions are kept; older ones are dropped. */
    int KEEP = 20;

    /** Keeps {@code version} (best effort, never blocks). */
    void record(ConfigVersion version);

    /**
     * The versions kept, newest first, at most {@link #KEEP}.
     *
     * @throws IllegalStateException when the cluster does not answer in time
     */
    List<ConfigVersion> recent();
}
