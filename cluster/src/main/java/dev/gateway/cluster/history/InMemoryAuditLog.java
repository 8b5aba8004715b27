package dev.gateway.cluster.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** {@link AuditLog} of one process (a standalone node, and tests). Thread-safe. */
public final class InMemoryAuditLog implements AuditLog {
    private final ArrayDeque<AuditEntry> entries = new ArrayDeque<>();

    @Override
    public synchronized void append(AuditEntry entry) {
        if (entries.size() >= KEEP) {
            entries.removeFirst();
        }
        entries.addLast(entry);
    }

    @Override
    public synchronized List<AuditEntry> recent(int max) {
        List<AuditEntry> out = new ArrayList<>();
        Iterator<AuditEntry> newestFirst = entries.descendingIterator();
        while (newestFirst.hasNext() && out.size() < max) {
            out.add(newestFirst.next());
        }
        return out;
    }
}
