package dev.gateway.cluster.breakers;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gateway.cluster.member.MemberClock;
import dev.gateway.limiter.breaker.SharedBreakerState;
import java.io.IOException;

/**
 * What a breaker entry processor sends back to its caller: the state after it ran, whether a probe was granted,
 * and the owner's time of the decision ({@link MemberClock}), which the state's instants are relative to.
 */
final class BreakerReply implements IdentifiedDataSerializable {
    private boolean granted;
    private SharedBreakerState state;
    private long ownerMillis;

    BreakerReply() {
    }

    BreakerReply(boolean granted, SharedBreakerState state) {
        this.granted = granted;
        this.state = state;
    }

    /** This reply, decided at {@code ownerMillis} on the owner's clock. */
    BreakerReply at(long ownerMillis) {
        this.ownerMillis = ownerMillis;
        return this;
    }

    long ownerMillis() {
        return ownerMillis;
    }

    boolean granted() {
        return granted;
    }

    SharedBreakerState state() {
        return state;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeBoolean(granted);
        out.writeLong(ownerMillis);
        BreakerWire.writeState(out, state);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        granted = in.readBoolean();
        ownerMillis = in.readLong();
        state = BreakerWire.readState(in);
    }

    @Override
    public int getFactoryId() {
        return BreakerMaps.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return BreakerSerializableFactory.REPLY;
    }
}
