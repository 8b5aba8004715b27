package dev.gateway.config;

import dev.gateway.config.internal.Check;

/** Trace context propagation: {@code w3c} (traceparent/tracestate, created when absent) or {@code off}. */
public record TracingConfig(String propagate) {
    public TracingConfig {
        Check.that("w3c".equals(propagate) || "off".equals(propagate), "propagate", propagate, "w3c or off");
    }

    public static TracingConfig defaults() {
        return new TracingConfig("w3c");
    }
}
