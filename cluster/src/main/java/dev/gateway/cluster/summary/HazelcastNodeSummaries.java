package dev.gateway.cluster.summary;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link NodeSummaries} in {@value SummaryMaps#SUMMARIES_MAP}, each entry living {@code ttl} from its last publish.
 * A publish is a fire-and-forget {@code setAsync}. Hazelcast has no asynchronous entry set and its blocking one waits
 * as long as it retries (a minute when a partition's owner is unreachable), so {@link #all()} reads on a thread of its
 * own and waits at most {@code timeout} for it; callers arriving while a read runs share it, so an unanswering cluster
 * holds at most one reader thread however often the console refreshes.
 */
public final class HazelcastNodeSummaries implements NodeSummaries {
    private final IMap<String, StoredSummary> map;
    private final Duration ttl;
    private final Duration timeout;
    private final AtomicReference<CompletableFuture<Map<String, NodeSummary>>> reading = new AtomicReference<>();

    public HazelcastNodeSummaries(HazelcastInstance hazelcast, Duration ttl, Duration timeout) {
        this.map = hazelcast.getMap(SummaryMaps.SUMMARIES_MAP);
        this.ttl = ttl;
        this.timeout = timeout;
    }

    @Override
    public void publish(NodeSummary summary) {
        try {
            map.setAsync(summary.node(), new StoredSummary(summary), ttl.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            // the next publish, a second later, tries again; until then the summary ages out
        }
    }

    @Override
    public Map<String, NodeSummary> all() {
        try {
            return read().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("node summaries read interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("node summaries: the cluster did not answer within "
                    + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("node summaries read failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The read in flight, or a new one on its own daemon thread. */
    private CompletableFuture<Map<String, NodeSummary>> read() {
        while (true) {
            CompletableFuture<Map<String, NodeSummary>> current = reading.get();
            if (current != null && !current.isDone()) {
                return current;
            }
            CompletableFuture<Map<String, NodeSummary>> next = new CompletableFuture<>();
            if (reading.compareAndSet(current, next)) {
                Thread reader = new Thread(() -> {
                    try {
                        Map<String, NodeSummary> out = new TreeMap<>();
                        for (Map.Entry<String, StoredSummary> e : map.entrySet()) {
                            out.put(e.getKey(), e.getValue().summary());
                        }
                        next.complete(out);
                    } catch (RuntimeException e) {
                        next.completeExceptionally(e);
                    }
                }, "gateway-node-summaries-read");
                reader.setDaemon(true);
                reader.start();
                return next;
            }
        }
    }
}
