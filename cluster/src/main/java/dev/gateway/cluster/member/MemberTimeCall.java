package dev.gateway.cluster.member;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * Asks a member for its cluster time ({@link ClusterTime}), for {@link MemberTimeEstimate}. Java-serialized: its
 * package is on the members' deserialization allow-list, and it carries no field.
 */
final class MemberTimeCall implements Callable<Long>, Serializable, HazelcastInstanceAware {
    @Serial
    private static final long serialVersionUID = 1L;

    private transient HazelcastInstance member;

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Long call() {
        return member.getCluster().getClusterTime();
    }
}
