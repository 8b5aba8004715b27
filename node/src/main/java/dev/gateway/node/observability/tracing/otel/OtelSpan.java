package dev.gateway.node.observability.tracing.otel;

import dev.gateway.node.observability.tracing.TraceSpan;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;

/** A {@link TraceSpan} over an SDK span; a span that is not sampled still has an id, for {@code traceparent}. */
final class OtelSpan implements TraceSpan {
    private final Span span;

    OtelSpan(Span span) {
        this.span = span;
    }

    @Override
    public TraceSpan set(String key, String value) {
        if (value != null) {
            span.setAttribute(key, value);
        }
        return this;
    }

    @Override
    public TraceSpan set(String key, long value) {
        span.setAttribute(key, value);
        return this;
    }

    @Override
    public TraceSpan set(String key, boolean value) {
        span.setAttribute(key, value);
        return this;
    }

    @Override
    public TraceSpan event(String name) {
        span.addEvent(name);
        return this;
    }

    @Override
    public String traceparent() {
        return traceparent(span.getSpanContext());
    }

    static String traceparent(SpanContext c) {
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }

    @Override
    public void end(String error) {
        if (error != null) {
            span.setAttribute("error.type", error);
            span.setStatus(StatusCode.ERROR, error);
        }
        span.end();
    }
}
