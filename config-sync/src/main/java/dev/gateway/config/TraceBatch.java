package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;

/**
 * How finished spans leave the node: they wait in a queue of at most {@code maxQueue} spans (past that new spans are
 * dropped and counted, never waited for), and are sent in batches of at most {@code maxExport} every
 * {@code interval} (or sooner when a batch is full). Defaults are the OpenTelemetry SDK's.
 */
public record TraceBatch(int maxQueue, int maxExport, Duration interval) {
    public TraceBatch {
        Check.that(maxQueue >= 1, "maxQueue", maxQueue, ">= 1");
        Check.that(maxExport >= 1 && maxExport <= maxQueue, "maxExport", maxExport, "1 .. max-queue (" + maxQueue + ")");
        Check.that(interval != null && !interval.isZero() && !interval.isNegative(), "interval",
                interval == null ? null : Durations.format(interval), "> 0");
    }

    public static TraceBatch defaults() {
        return new TraceBatch(2048, 512, Duration.ofSeconds(5));
    }
}
