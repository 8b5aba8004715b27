package dev.gateway.node.observability.tracing.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;

/**
 * Reads, when asked (a scrape), how many spans the batch processor dropped: its own {@code processedSpans} counter
 * with {@code dropped=true} (the SDK's legacy self-telemetry, pinned in {@link OtelTracer}): spans refused because
 * the queue was full, or offered after shutdown. Nothing is read or exported on its own.
 */
final class DroppedSpans implements MetricReader {
    static final String PROCESSED = "processedSpans";
    private static final AttributeKey<Boolean> DROPPED = AttributeKey.booleanKey("dropped");

    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    @Override
    public void register(CollectionRegistration registration) {
        this.registration = registration;
    }

    long dropped() {
        long total = 0;
        for (MetricData metric : registration.collectAllMetrics()) {
            if (!metric.getName().equals(PROCESSED) || metric.getType() != MetricDataType.LONG_SUM) {
                continue;
            }
            for (LongPointData point : metric.getLongSumData().getPoints()) {
                if (Boolean.TRUE.equals(point.getAttributes().get(DROPPED))) {
                    total += point.getValue();
                }
            }
        }
        return total;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
