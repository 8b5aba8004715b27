package dev.gateway.node.observability.tracing.otel;

import dev.gateway.node.observability.tracing.RequestTrace;
import dev.gateway.node.observability.tracing.TraceSpan;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicBoolean;

/** One request's server span and the parent context of its children (passed explicitly: the pipeline is async). */
final class OtelRequestTrace implements RequestTrace {
    private final io.opentelemetry.api.trace.Tracer tracer;
    private final Span server;
    private final Context context;
    private final AtomicBoolean ended = new AtomicBoolean();

    OtelRequestTrace(io.opentelemetry.api.trace.Tracer tracer, Span server) {
        this.tracer = tracer;
        this.server = server;
        this.context = Context.root().with(server);
    }

    @Override
    public boolean recording() {
        return server.isRecording();
    }

    @Override
    public String traceId() {
        return server.getSpanContext().getTraceId();
    }

    @Override
    public String spanId() {
        return server.getSpanContext().getSpanId();
    }

    @Override
    public String traceparent() {
        return OtelSpan.traceparent(server.getSpanContext());
    }

    @Override
    public TraceSpan child(String name) {
        if (!server.isRecording()) {
            return TraceSpan.NONE; // nobody will see it, and nothing is sent with it
        }
        return new OtelSpan(tracer.spanBuilder(name).setParent(context).setSpanKind(SpanKind.INTERNAL).startSpan());
    }

    @Override
    public TraceSpan client(String name) {
        // even unsampled: its own span id goes upstream in traceparent
        return new OtelSpan(tracer.spanBuilder(name).setParent(context).setSpanKind(SpanKind.CLIENT).startSpan());
    }

    @Override
    public void end(int status) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        if (server.isRecording()) {
            server.setAttribute("http.response.status_code", status);
            if (status >= 500) {
                server.setStatus(StatusCode.ERROR);
                server.setAttribute("error.type", Integer.toString(status));
            }
        }
        server.end();
    }
}
