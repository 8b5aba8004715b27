package dev.gateway.cluster.config;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gateway.config.feed.NodeConfigState;
import java.io.IOException;

/** A {@link NodeConfigState} as the applied-versions map stores it. */
final class StoredNodeState implements IdentifiedDataSerializable {
    private NodeConfigState state;

    StoredNodeState() {
    }

    StoredNodeState(NodeConfigState state) {
        this.state = state;
    }

    NodeConfigState state() {
        return state;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(state.node());
        out.writeLong(state.version());
        out.writeString(state.sha256());
        out.writeLong(state.failedVersion());
        out.writeString(state.error());
        out.writeLong(state.reportedAtMillis());
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        try {
            state = new NodeConfigState(in.readString(), in.readLong(), in.readString(), in.readLong(),
                    in.readString(), in.readLong());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("a node's config state does not decode: " + e.getMessage(), e);
        }
    }

    @Override
    public int getFactoryId() {
        return ConfigMaps.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return ConfigSerializableFactory.STORED_NODE_STATE;
    }
}
