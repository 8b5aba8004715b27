package dev.gateway.cluster.config;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gateway.config.feed.ConfigVersion;
import java.io.IOException;

/** A {@link ConfigVersion} as the config map stores it. */
final class StoredConfig implements IdentifiedDataSerializable {
    private ConfigVersion version;

    StoredConfig() {
    }

    StoredConfig(ConfigVersion version) {
        this.version = version;
    }

    ConfigVersion version() {
        return version;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(version.version());
        out.writeString(version.sha256());
        out.writeString(version.text());
        out.writeString(version.publishedBy());
        out.writeLong(version.publishedAtMillis());
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        try {
            version = new ConfigVersion(in.readLong(), in.readString(), in.readString(), in.readString(), in.readLong());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("a stored config version does not decode: " + e.getMessage(), e);
        }
    }

    @Override
    public int getFactoryId() {
        return ConfigMaps.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return ConfigSerializableFactory.STORED_CONFIG;
    }
}
