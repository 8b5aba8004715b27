package dev.gateway.config;

import dev.gateway.config.internal.Check;

/**
 * Trace context propagation: {@code w3c} (traceparent/tracestate, created when absent) or {@code off}; and, when
 * {@code export} is not null, spans recorded per request and exported over OTLP. Export needs {@code w3c}: the
 * upstream hop's {@code traceparent} is the client span the gateway records.
 */
public record TracingConfig(String propagate, TraceExport export) {
    public TracingConfig {
        Check.that("w3c".equals(propagate) || "off".equals(propagate), "propagate", propagate, "w3c or off");
        Check.that(export == null || "w3c".equals(propagate), "export", "otlp with propagate: " + propagate,
                "propagate: w3c");
    }

    /** Propagation only, no export. */
    public TracingConfig(String propagate) {
        this(propagate, null);
    }

    public static TracingConfig defaults() {
        return new TracingConfig("w3c");
    }
}
