package dev.gateway.node.observability.tracing.otel;

import dev.gateway.config.TraceExport;
import dev.gateway.node.observability.tracing.RequestTrace;
import dev.gateway.node.observability.tracing.Tracer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.InternalTelemetryVersion;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry SDK behind {@link Tracer}: a sampler from {@code sample} and {@code parent-based}, a
 * {@link BatchSpanProcessor} with the config's bounded queue (a full queue drops the span, counted by
 * {@link #dropped()}), and the OTLP/HTTP protobuf exporter on the JDK's HttpClient, or with {@code protocol: grpc}
 * the OTLP gRPC exporter on {@link GrpcJavaSender}. Export runs on the processor's
 * own thread; the request path only offers finished spans to the queue.
 *
 * <p>Span names and attributes follow the OpenTelemetry HTTP conventions where they apply ({@code GET orders}
 * with {@code http.request.method}, {@code http.route} = the route id, {@code client.address},
 * {@code http.response.status_code}); the gateway's own steps carry {@code gateway.*} attributes.
 */
public final class OtelTracer implements Tracer, AutoCloseable {
    private static final String SCOPE = "dev.gateway.node";
    private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(10);

    private final SdkTracerProvider provider;
    private final SdkMeterProvider selfMetrics;
    private final DroppedSpans dropped = new DroppedSpans();
    private final io.opentelemetry.api.trace.Tracer tracer;
    private final TraceExport config;

    public OtelTracer(TraceExport config, String nodeName) {
        this.config = config;
        this.selfMetrics = SdkMeterProvider.builder().registerMetricReader(dropped).build();
        SpanExporter exporter = config.grpc()
                ? OtlpGrpcSpanExporter.builder() // TraceService/Export at the collector's address (GrpcJavaSender)
                        .setEndpoint(config.otlp())
                        .setTimeout(EXPORT_TIMEOUT)
                        .setMeterProvider(MeterProvider::noop)
                        .build()
                : OtlpHttpSpanExporter.builder()
                        .setEndpoint(config.tracesUrl())
                        .setTimeout(EXPORT_TIMEOUT)
                        .setMeterProvider(MeterProvider::noop)
                        .build();
        BatchSpanProcessor batch = BatchSpanProcessor.builder(exporter)
                .setMaxQueueSize(config.batch().maxQueue())
                .setMaxExportBatchSize(config.batch().maxExport())
                .setScheduleDelay(config.batch().interval())
                .setExporterTimeout(EXPORT_TIMEOUT)
                .setMeterProvider(selfMetrics)
                .setInternalTelemetryVersion(InternalTelemetryVersion.LEGACY)
                .build();
        Sampler ratio = Sampler.traceIdRatioBased(config.sample());
        this.provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(resource(config.resource(), nodeName))))
                .setSampler(config.parentBased() ? Sampler.parentBased(ratio) : ratio)
                .addSpanProcessor(batch)
                .build();
        this.tracer = provider.get(SCOPE);
    }

    private static Attributes resource(Map<String, String> configured, String nodeName) {
        AttributesBuilder b = Attributes.builder().put("service.instance.id", nodeName);
        configured.forEach(b::put);
        return b.build();
    }

    /** The export config this tracer was built for. */
    public TraceExport config() {
        return config;
    }

    @Override
    public RequestTrace start(String method, String routeId, String clientAddress, String parent, long startNanos) {
        long epochNanos = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - (System.nanoTime() - startNanos);
        SpanBuilder b = tracer.spanBuilder(routeId == null ? method : method + " " + routeId)
                .setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(epochNanos, TimeUnit.NANOSECONDS)
                .setAttribute("http.request.method", method)
                .setAttribute("client.address", clientAddress);
        if (routeId != null) {
            b.setAttribute("http.route", routeId);
        }
        if (parent != null) {
            SpanContext remote = SpanContext.createFromRemoteParent(parent.substring(3, 35), parent.substring(36, 52),
                    TraceFlags.fromHex(parent, 53), TraceState.getDefault());
            b.setParent(Context.root().with(Span.wrap(remote)));
        } else {
            b.setNoParent();
        }
        return new OtelRequestTrace(tracer, b.startSpan());
    }

    /** Spans dropped so far because the export queue was full (or the tracer closed). */
    public long dropped() {
        return dropped.dropped();
    }

    /** Exports what is queued (waiting at most a few seconds), then stops. */
    @Override
    public void close() {
        provider.shutdown().join(5, TimeUnit.SECONDS);
        selfMetrics.shutdown().join(1, TimeUnit.SECONDS);
    }
}
