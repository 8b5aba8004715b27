package dev.gateway.config.internal;

import dev.gateway.config.TraceBatch;
import dev.gateway.config.TraceExport;
import dev.gateway.config.TracingConfig;
import java.time.Duration;
import java.util.Map;

/** Binds {@code observability.tracing}: propagation, and the OTLP export with its sampling and batching. */
final class TracingReader {
    private TracingReader() {
    }

    /** The tracing settings at {@code t}; defaults when absent, null when anything failed (reported). */
    static TracingConfig tracing(Node t) {
        if (!t.present()) {
            return TracingConfig.defaults();
        }
        int mark = t.errors().mark();
        if (!t.object("propagate", "export")) {
            return null;
        }
        String propagate = t.at("propagate").text("w3c");
        TraceExport export = export(t.at("export"));
        return t.build(mark, () -> new TracingConfig(propagate, export));
    }

    private static TraceExport export(Node e) {
        int mark = e.errors().mark();
        if (!e.object("otlp", "protocol", "sample", "parent-based", "batch", "resource")) {
            return null;
        }
        String otlp = e.at("otlp").requiredText();
        String protocol = e.at("protocol").text(TraceExport.HTTP_PROTOBUF);
        double sample = e.at("sample").parse(TraceExport::parseSample, 1.0);
        boolean parentBased = e.at("parent-based").bool(true);
        TraceBatch batch = batch(e.at("batch"));
        Map<String, String> resource = e.at("resource").textMap();
        return e.build(mark, () -> new TraceExport(otlp, protocol, sample, parentBased, batch, resource));
    }

    private static TraceBatch batch(Node b) {
        TraceBatch d = TraceBatch.defaults();
        if (!b.present()) {
            return d;
        }
        int mark = b.errors().mark();
        if (!b.object("max-queue", "max-export", "interval")) {
            return null;
        }
        int maxQueue = b.at("max-queue").integer(d.maxQueue());
        int maxExport = b.at("max-export").integer(d.maxExport());
        Duration interval = b.at("interval").duration(d.interval());
        return b.build(mark, () -> new TraceBatch(maxQueue, maxExport, interval));
    }
}
