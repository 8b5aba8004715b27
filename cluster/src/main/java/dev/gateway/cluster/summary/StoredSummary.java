package dev.gateway.cluster.summary;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link NodeSummary} as the summaries map stores it. Written as class id 2, the form with routes and limits; the
 * first form (class id 1, without them) is still read, so a node of this build shows the nodes of an earlier one
 * during a rolling upgrade. A node of the earlier build cannot read the new form: its {@code /admin/nodes} answers
 * 503 while nodes of this build publish, until it is upgraded too.
 */
final class StoredSummary implements IdentifiedDataSerializable {
    static final int CLASS_ID = 2;
    /** The first form, without routes and limits: read, never written. */
    static final int FIRST_FORM_CLASS_ID = 1;
    private final boolean firstForm;
    /** More entries than this in one summary's map is a corrupt entry, not a config. */
    private static final int MAX_ENTRIES = 100_000;
    private NodeSummary summary;

    StoredSummary() {
        this(false);
    }

    /** An empty one to read into; {@code firstForm}: an entry of class id {@value #FIRST_FORM_CLASS_ID}. */
    StoredSummary(boolean firstForm) {
        this.firstForm = firstForm;
    }

    StoredSummary(NodeSummary summary) {
        this.firstForm = false;
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
        out.writeInt(summary.routes().size());
        for (Map.Entry<String, NodeSummary.RouteStats> e : summary.routes().entrySet()) {
            out.writeString(e.getKey());
            out.writeLong(e.getValue().requests());
            out.writeLong(e.getValue().errors());
            out.writeLong(e.getValue().p50Micros());
            out.writeLong(e.getValue().p99Micros());
        }
        out.writeInt(summary.limits().size());
        for (Map.Entry<String, NodeSummary.LimitStats> e : summary.limits().entrySet()) {
            out.writeString(e.getKey());
            out.writeLong(e.getValue().allowed());
            out.writeLong(e.getValue().limited());
            out.writeLong(e.getValue().fallback());
        }
    }

    private static int count(ObjectDataInput in, String what) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_ENTRIES) {
            throw new IOException("a node summary does not decode: " + count + " " + what);
        }
        return count;
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
            int count = count(in, "breakers");
            Map<String, String> breakers = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                breakers.put(in.readString(), in.readString());
            }
            Map<String, NodeSummary.RouteStats> routes = new TreeMap<>();
            Map<String, NodeSummary.LimitStats> limits = new TreeMap<>();
            if (firstForm) {
                summary = new NodeSummary(node, published, started, requests, errors, reason, version, breakers);
                return;
            }
            count = count(in, "routes");
            for (int i = 0; i < count; i++) {
                routes.put(in.readString(), new NodeSummary.RouteStats(in.readLong(), in.readLong(), in.readLong(),
                        in.readLong()));
            }
            count = count(in, "limits");
            for (int i = 0; i < count; i++) {
                limits.put(in.readString(), new NodeSummary.LimitStats(in.readLong(), in.readLong(), in.readLong()));
            }
            summary = new NodeSummary(node, published, started, requests, errors, reason, version, breakers, routes,
                    limits);
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
        return firstForm ? FIRST_FORM_CLASS_ID : CLASS_ID;
    }
}
