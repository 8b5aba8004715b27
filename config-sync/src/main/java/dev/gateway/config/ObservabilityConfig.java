package dev.gateway.config;

import dev.gateway.config.internal.Check;

/** Access log and tracing settings; never null in a {@link SharedConfig}. */
public record ObservabilityConfig(AccessLogConfig accessLog, TracingConfig tracing) {
    public ObservabilityConfig {
        Check.notNull(accessLog, "accessLog");
        Check.notNull(tracing, "tracing");
    }

    public static ObservabilityConfig defaults() {
        return new ObservabilityConfig(AccessLogConfig.defaults(), TracingConfig.defaults());
    }
}
