package dev.gateway.node.observability.tracing.otel;

import dev.gateway.config.TraceExport;
import dev.gateway.node.observability.tracing.Tracer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's tracers across config versions, one per distinct {@code export} setting: a new config with the same
 * settings keeps the running tracer (and its queue). Compiling a config (to apply it, or only to validate it) may
 * build a tracer; {@link #retain} after a config is applied closes the others (their queued spans are sent first;
 * requests still running on the old config lose their remaining spans). Drops add up over all of them.
 * Thread-safe.
 */
public final class OtelTracers implements AutoCloseable {
    private final String nodeName;
    private final Map<TraceExport, OtelTracer> tracers = new LinkedHashMap<>();
    private long retiredDrops;

    public OtelTracers(String nodeName) {
        this.nodeName = nodeName;
    }

    /** The tracer for {@code export}; {@link Tracer#OFF} when null. */
    public synchronized Tracer tracerFor(TraceExport export) {
        if (export == null) {
            return Tracer.OFF;
        }
        return tracers.computeIfAbsent(export, e -> new OtelTracer(e, nodeName));
    }

    /** Closes every tracer but the one for {@code inForce} (the applied config's export; null: close all). */
    public void retain(TraceExport inForce) {
        List<OtelTracer> retired = new ArrayList<>();
        synchronized (this) {
            tracers.entrySet().removeIf(e -> {
                if (e.getKey().equals(inForce)) {
                    return false;
                }
                retired.add(e.getValue());
                return true;
            });
        }
        for (OtelTracer old : retired) {
            old.close(); // outside the lock: it waits for the last export
            synchronized (this) {
                retiredDrops += old.dropped();
            }
        }
    }

    /** Spans dropped since start, every tracer of this node together. */
    public synchronized long dropped() {
        long total = retiredDrops;
        for (OtelTracer t : tracers.values()) {
            total += t.dropped();
        }
        return total;
    }

    @Override
    public void close() {
        retain(null);
    }
}
