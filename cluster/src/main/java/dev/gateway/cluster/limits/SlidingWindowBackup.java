package dev.gateway.cluster.limits;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Stores a sliding-window state the owner computed, with its time-to-live (owner and backup replicas alike). */
final class SlidingWindowBackup implements EntryProcessor<String, long[], long[]>, IdentifiedDataSerializable {

    private long[] state;
    private long timeToLiveMillis;

    SlidingWindowBackup() {
    }

    SlidingWindowBackup(long[] state, long timeToLiveMillis) {
        this.state = state;
        this.timeToLiveMillis = timeToLiveMillis;
    }

    @Override
    public long[] process(Map.Entry<String, long[]> entry) {
        @SuppressWarnings("unchecked")
        ExtendedMapEntry<String, long[]> extended = (ExtendedMapEntry<String, long[]>) entry;
        extended.setValue(state, timeToLiveMillis, TimeUnit.MILLISECONDS);
        return null;
    }

    @Override
    public EntryProcessor<String, long[], long[]> getBackupProcessor() {
        return null;
    }

    @Override
    public int getFactoryId() {
        return RateLimitMaps.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return LimitsSerializableFactory.SLIDING_WINDOW_BACKUP;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLongArray(state);
        out.writeLong(timeToLiveMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        state = in.readLongArray();
        timeToLiveMillis = in.readLong();
    }
}
