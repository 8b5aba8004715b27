package dev.gateway.cluster.history;

import java.util.List;

/**
 * The admin writes of the whole cluster, newest kept, at most {@value #KEEP}: this process's memory
 * ({@link InMemoryAuditLog}) or a Hazelcast ring buffer every member reads ({@link HazelcastAuditLog}).
 */
public interface AuditLog {
    /** How many entries are kept; older ones are overwritten. */
    int KEEP = 500;

    /** Adds {@code entry} (best effort, never blocks). */
    void append(AuditEntry entry);

    /**
     * The latest entries, newest first, at most {@code max} (and at most {@link #KEEP}).
     *
     * @throws IllegalStateException when the cluster does not answer in time
     */
    List<AuditEntry> recent(int max);
}
