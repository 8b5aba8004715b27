package dev.gateway.cluster.breakers;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gateway.limiter.breaker.SharedBreakerState;
import java.io.IOException;

/** A {@link SharedBreakerState} as {@value BreakerMaps#BREAKERS_MAP} stores it. */
final class StoredBreakerState implements IdentifiedDataSerializable {
    private SharedBreakerState state;

    StoredBreakerState() {
    }

    StoredBreakerState(SharedBreakerState state) {
        this.state = state;
    }

    SharedBreakerState state() {
        return state;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        BreakerWire.writeState(out, state);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        state = BreakerWire.readState(in);
    }

    @Override
    public int getFactoryId() {
        return BreakerMaps.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return BreakerSerializableFactory.STORED_STATE;
    }
}
