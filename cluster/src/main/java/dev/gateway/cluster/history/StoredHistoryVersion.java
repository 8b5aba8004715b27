package dev.gateway.cluster.history;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gateway.config.feed.ConfigVersion;
import java.io.IOException;

/** A {@link ConfigVersion} as the history map stores it. */
final class StoredHistoryVersion implements IdentifiedDataSerializable {
    static final int CLASS_ID = 1;
    private ConfigVersion version;

    StoredHistoryVersion() {
    }

    StoredHistoryVersion(ConfigVersion version) {
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
            throw new IOException("a config history version does not decode: " + e.getMessage(), e);
        }
    }

    @Override
    public int getFactoryId() {
        return HistoryMaps.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return CLASS_ID;
    }
}
