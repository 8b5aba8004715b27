package dev.gateway.cluster.summary;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** A {@link NodeSummary} as the summaries map stores it. */
final class StoredSummary implements IdentifiedDataSerializable {
    static final int CLASS_ID = 1;
    /** More breakers than this in one summary is a corrupt entry, not a config. */
    private static final int MAX_BREAKERS = 100_000;
    private NodeSummary summary;

    StoredSummary() {
    }

    StoredSummary(NodeSummary summary) {
        this.summary = summary;
    }

    NodeSummary summary() {
        return summary;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(summary.node());
        out.writeLong(summary.publishedAtMillis());
        out.writeLong(summary.startedAtMillis());
        out.writeLong(summary.requests());
        out.writeLong(summary.errors());
        out.writeString(summary.notReadyReason());
        out.writeLong(summary.configVersion());
        out.writeInt(summary.breakers().size());
        for (Map.Entry<String, String> e : summary.breakers().entrySet()) {
            out.writeString(e.getKey());
            out.writeString(e.getValue());
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        try {
            String node = in.readString();
            long published = in.readLong();
            long started = in.readLong();
            long requests = in.readLong();
            long errors = in.readLong();
            String reason = in.readString();
            long version = in.readLong();
            int count = in.readInt();
            if (count < 0 || count > MAX_BREAKERS) {
                throw new IOException("a node summary does not decode: " + count + " breakers");
            }
            Map<String, String> breakers = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                breakers.put(in.readString(), in.readString());
            }
            summary = new NodeSummary(node, published, started, requests, errors, reason, version, breakers);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("a node summary does not decode: " + e.getMessage(), e);
        }
    }

    @Override
    public int getFactoryId() {
        return SummaryMaps.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return CLASS_ID;
    }
}
