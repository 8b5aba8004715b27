package dev.gateway.cluster.limits;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.gateway.limiter.KeySpace;
import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * Adds a key space's maps on a member, modelled on that member's own base maps ({@link RateLimitMaps#addSpace}): how a
 * client-mode node adds them, so that they get the members' {@code backups}, not the client's. Java-serialized: its
 * package is on the members' deserialization allow-list, and it carries a name and a number.
 */
final class AddSpaceCall implements Callable<Boolean>, Serializable, HazelcastInstanceAware {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String name;
    private final long maxKeys;
    private transient HazelcastInstance member;

    AddSpaceCall(KeySpace space) {
        this.name = space.name();
        this.maxKeys = space.maxKeys();
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Boolean call() {
        RateLimitMaps.addSpace(member, new KeySpace(name, maxKeys));
        return true;
    }
}
