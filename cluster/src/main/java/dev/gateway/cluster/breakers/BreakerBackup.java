package dev.gateway.cluster.breakers;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;

/** Stores on a backup replica exactly the breaker state its owner computed (no re-run of the decision). */
final class BreakerBackup implements EntryProcessor<String, StoredBreakerState, BreakerReply>,
        IdentifiedDataSerializable {

    private StoredBreakerState state;

    BreakerBackup() {
    }

    BreakerBackup(StoredBreakerState state) {
        this.state = state;
    }

    @Override
    public BreakerReply process(Map.Entry<String, StoredBreakerState> entry) {
        entry.setValue(state);
        return null;
    }

    @Override
    public EntryProcessor<String, StoredBreakerState, BreakerReply> getBackupProcessor() {
        return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        state.writeData(out);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        state = new StoredBreakerState();
        state.readData(in);
    }

    @Override
    public int getFactoryId() {
        return BreakerMaps.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return BreakerSerializableFactory.BACKUP;
    }
}
