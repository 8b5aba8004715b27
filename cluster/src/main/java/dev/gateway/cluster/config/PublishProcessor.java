package dev.gateway.cluster.config;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gateway.config.feed.ConfigVersion;
import java.io.IOException;
import java.util.Map;

/**
 * A publish, run on the config entry's owner: the candidate replaces the stored version only when its version
 * number is greater. Returns the version in force afterwards, so the caller sees whether it won. Runs the same
 * on the backup (its input is the same stored state), which keeps the backup exact.
 */
final class PublishProcessor implements EntryProcessor<String, StoredConfig, StoredConfig>, IdentifiedDataSerializable {
    private StoredConfig candidate;

    PublishProcessor() {
    }

    PublishProcessor(ConfigVersion candidate) {
        this.candidate = new StoredConfig(candidate);
    }

    @Override
    public StoredConfig process(Map.Entry<String, StoredConfig> entry) {
        StoredConfig stored = entry.getValue();
        if (stored == null || candidate.version().version() > stored.version().version()) {
            entry.setValue(candidate);
            return candidate;
        }
        return stored;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        candidate.writeData(out);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        candidate = new StoredConfig();
        candidate.readData(in);
    }

    @Override
    public int getFactoryId() {
        return ConfigMaps.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return ConfigSerializableFactory.PUBLISH_PROCESSOR;
    }
}
