package dev.gateway.cluster.history;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link AuditLog} in the ring buffer {@value HistoryMaps#AUDIT_RING} (capacity {@value AuditLog#KEEP}: the oldest
 * entry is overwritten). An append is a fire-and-forget {@code addAsync}; a read takes the newest entries and waits
 * at most {@code timeout} ({@link TimedRead}).
 */
public final class HazelcastAuditLog implements AuditLog {
    private final Ringbuffer<StoredAuditEntry> ring;
    private final TimedRead<List<AuditEntry>> read;

    public HazelcastAuditLog(HazelcastInstance hazelcast, Duration timeout) {
        this.ring = hazelcast.getRingbuffer(HistoryMaps.AUDIT_RING);
        this.read = new TimedRead<>("audit log", timeout, this::readAll);
    }

    @Override
    public void append(AuditEntry entry) {
        try {
            ring.addAsync(new StoredAuditEntry(entry), OverflowPolicy.OVERWRITE);
        } catch (RuntimeException e) {
            // best effort: the node's log has the line too
        }
    }

    @Override
    public List<AuditEntry> recent(int max) {
        List<AuditEntry> all = read.get();
        return all.size() <= max ? all : all.subList(0, max);
    }

    /** Every entry kept, newest first. */
    private List<AuditEntry> readAll() {
        long tail = ring.tailSequence();
        long head = ring.headSequence();
        List<AuditEntry> out = new ArrayList<>();
        if (tail < head) {
            return out;
        }
        int count = (int) Math.min(KEEP, tail - head + 1);
        try {
            ReadResultSet<StoredAuditEntry> batch = ring.readManyAsync(tail - count + 1, 0, count, null)
                    .toCompletableFuture().get();
            for (StoredAuditEntry e : batch) {
                out.add(0, e.entry());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("audit log read interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
        return out;
    }
}
