package dev.gateway.cluster.member;

import com.hazelcast.core.HazelcastInstance;
import dev.gateway.config.ClusterSettings;
import java.util.List;

/**
 * This node's way into the cluster: its embedded member ({@link ClusterMember}) or its client of dedicated members
 * ({@link ClusterClient}). The shared services are built on {@link #hazelcast()} the same way for both; the views
 * here answer for each what the node asks (readiness, {@code /admin/cluster}).
 *
 * <p>Thread-safety: every view is safe from any thread and never throws once stopped.
 */
public interface ClusterConnection extends AutoCloseable {

    /** The instance the shared services run on: a member, or a smart client. */
    HazelcastInstance hazelcast();

    ClusterSettings settings();

    /** {@code null} when this node may take traffic as far as the cluster is concerned; else a one-line reason. */
    String notReadyReason();

    /** Whether this node reaches at least {@code cluster.min-size} members. */
    boolean hasQuorum();

    /** Data members as this node sees them (a client node counts only the members, not itself); 0 once stopped. */
    int size();

    /** The data members, oldest (the master) first; empty once stopped. */
    List<MemberInfo> members();

    /**
     * Whether this node could leave now without losing shared state: for a member, its owned partitions' backups
     * are in sync; a client holds no partition, so it always could.
     */
    boolean localPartitionsSafe();

    /** The node names of {@code key}'s owner, then as many of its backups as this node can tell; empty while unknown. */
    List<String> replicasOf(Object key, int backups);

    /** As {@link ClusterMember#addMembershipListener}. */
    ClusterMember.Subscription addMembershipListener(Runnable onChange);

    /** Hazelcast clients connected to this node's member, when this node is a member; -1 when it cannot tell. */
    int connectedClients();

    /**
     * The client-mode gateway nodes (Hazelcast clients of the members): for a member, those connected to it; for a
     * client, every client connected to any member as last asked (every {@link ClusterClient#CLIENTS_REFRESH_SECONDS}
     * s; kept while the members do not answer), itself included and marked local. Empty once stopped.
     */
    List<ClientInfo> clients();

    /** Leaves the cluster (a member hands its partitions over first); idempotent. */
    @Override
    void close();
}
