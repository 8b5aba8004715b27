package dev.gateway.cluster.summary;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** {@link NodeSummaries} of one process (a standalone node, and tests). Thread-safe; time read from {@code nowMillis}. */
public final class LocalNodeSummaries implements NodeSummaries {
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlMillis;
    private final LongSupplier nowMillis;

    private record Entry(NodeSummary summary, long expiresAtMillis) {
    }

    public LocalNodeSummaries(Duration ttl) {
        this(ttl, System::currentTimeMillis);
    }

    /** @param nowMillis the clock expiry reads (tests move it by hand) */
    public LocalNodeSummaries(Duration ttl, LongSupplier nowMillis) {
        this.ttlMillis = ttl.toMillis();
        this.nowMillis = nowMillis;
    }

    @Override
    public void publish(NodeSummary summary) {
        entries.put(summary.node(), new Entry(summary, nowMillis.getAsLong() + ttlMillis));
    }

    @Override
    public Map<String, NodeSummary> all() {
        long now = nowMillis.getAsLong();
        entries.values().removeIf(e -> e.expiresAtMillis() <= now);
        Map<String, NodeSummary> out = new TreeMap<>();
        entries.forEach((node, e) -> out.put(node, e.summary()));
        return out;
    }
}
