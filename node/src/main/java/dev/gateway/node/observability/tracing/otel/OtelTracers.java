package dev.gateway.node.observability.tracing.otel;

import dev.gateway.config.TraceExport;
import dev.gateway.node.observability.tracing.Tracer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's tracer across config versions: a new config with the same {@code export} settings keeps the running
 * tracer (and its queue); different settings build a new one and close the old (its queued spans are sent first;
 * requests still running on the old config lose their remaining spans). Drops add up over all of them.
 */
public final class OtelTracers implements AutoCloseable {
    private final String nodeName;
    private final AtomicLong retiredDrops = new AtomicLong();
    private OtelTracer current;

    public OtelTracers(String nodeName) {
        this.nodeName = nodeName;
    }

    /** The tracer for {@code export}; {@link Tracer#OFF} (and the running one closed) when null. */
    public synchronized Tracer tracerFor(TraceExport export) {
        if (current != null && current.config().equals(export)) {
            return current;
        }
        retire();
        if (export == null) {
            return Tracer.OFF;
        }
        current = new OtelTracer(export, nodeName);
        return current;
    }

    /** Spans dropped since start, every tracer of this node together. */
    public synchronized long dropped() {
        return retiredDrops.get() + (current == null ? 0 : current.dropped());
    }

    private void retire() {
        if (current != null) {
            OtelTracer old = current;
            current = null;
            old.close();
            retiredDrops.addAndGet(old.dropped());
        }
    }

    @Override
    public synchronized void close() {
        retire();
    }
}
