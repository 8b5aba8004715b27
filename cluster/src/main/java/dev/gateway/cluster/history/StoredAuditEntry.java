package dev.gateway.cluster.history;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;

/** An {@link AuditEntry} as the audit ring buffer stores it. */
final class StoredAuditEntry implements IdentifiedDataSerializable {
    static final int CLASS_ID = 2;
    private AuditEntry entry;

    StoredAuditEntry() {
    }

    StoredAuditEntry(AuditEntry entry) {
        this.entry = entry;
    }

    AuditEntry entry() {
        return entry;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(entry.atMillis());
        out.writeString(entry.who());
        out.writeString(entry.node());
        out.writeString(entry.action());
        out.writeInt(entry.status());
        out.writeString(entry.result());
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        try {
            entry = new AuditEntry(in.readLong(), in.readString(), in.readString(), in.readString(), in.readInt(),
                    in.readString());
        } catch (NullPointerException e) {
            throw new IOException("an audit entry does not decode: " + e.getMessage(), e);
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
