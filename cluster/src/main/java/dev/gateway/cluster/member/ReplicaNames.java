package dev.gateway.cluster.member;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.partition.InternalPartition;
import com.hazelcast.internal.partition.InternalPartitionService;
import com.hazelcast.internal.partition.PartitionReplica;
import java.util.ArrayList;
import java.util.List;

/**
 * The node names of the members holding a key's partition, owner first, then its backups in replica order, from
 * Hazelcast's internal partition table (the public API names only the owner; checked against 5.7.0). Answers
 * {@link ClusterMember#replicasOf}.
 */
final class ReplicaNames {
    private ReplicaNames() {
    }

    static List<String> of(HazelcastInstance hazelcast, Object key, int backups) {
        try {
            InternalPartitionService partitions = ((HazelcastInstanceProxy) hazelcast).getOriginal().node
                    .getPartitionService();
            InternalPartition partition = partitions.getPartition(partitions.getPartitionId(key));
            List<String> names = new ArrayList<>();
            for (int i = 0; i <= backups && i < InternalPartition.MAX_REPLICA_COUNT; i++) {
                PartitionReplica replica = partition.getReplica(i);
                if (replica == null) {
                    if (i == 0) {
                        return List.of();
                    }
                    continue;
                }
                names.add(nameOf(hazelcast, replica));
            }
            return List.copyOf(names);
        } catch (HazelcastInstanceNotActiveException | ClassCastException e) {
            return List.of();
        }
    }

    private static String nameOf(HazelcastInstance hazelcast, PartitionReplica replica) {
        for (Member member : hazelcast.getCluster().getMembers()) {
            if (member.getUuid().equals(replica.uuid())) {
                return MemberInfo.of(member).nodeName();
            }
        }
        return replica.address().getHost() + ":" + replica.address().getPort();
    }
}
