package dev.gateway.cluster.breakers;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gateway.limiter.breaker.SharedBreakerState;
import java.io.IOException;

/** What a breaker entry processor sends back to its caller: the state after it ran, and whether a probe was granted. */
final class BreakerReply implements IdentifiedDataSerializable {
    private boolean granted;
    private SharedBreakerState state;

    BreakerReply() {
    }

    BreakerReply(boolean granted, SharedBreakerState state) {
        this.granted = granted;
        this.state = state;
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
        BreakerWire.writeState(out, state);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        granted = in.readBoolean();
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
