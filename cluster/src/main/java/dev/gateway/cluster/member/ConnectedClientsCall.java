package dev.gateway.cluster.member;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.concurrent.Callable;

/**
 * Asks a member for the clients connected to it, for a client-mode node, which cannot list the other clients
 * itself ({@link ClusterClient#clients()}). Java-serialized: its package is on the members' deserialization
 * allow-list, and it carries no field.
 */
final class ConnectedClientsCall implements Callable<ArrayList<ClientInfo>>, Serializable, HazelcastInstanceAware {
    @Serial
    private static final long serialVersionUID = 1L;

    private transient HazelcastInstance member;

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public ArrayList<ClientInfo> call() {
        return ClientInfo.connectedTo(member);
    }
}
