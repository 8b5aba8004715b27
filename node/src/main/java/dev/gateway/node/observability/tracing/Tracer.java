package dev.gateway.node.observability.tracing;

/**
 * Starts the trace of each request ({@code observability.tracing.export}); {@link #OFF} without export. The
 * implementation owns the export: spans leave through a bounded queue off the request path, and a collector that is
 * down or slow loses spans, never delays a request.
 */
public interface Tracer {
    Tracer OFF = (method, routeId, clientAddress, parent, startNanos) -> RequestTrace.NONE;

    /**
     * Starts a request's server span.
     *
     * @param parent     the client's {@code traceparent} when valid (its trace is continued), else null (a new trace)
     * @param startNanos {@link System#nanoTime()} when the request arrived: the span starts then
     */
    RequestTrace start(String method, String routeId, String clientAddress, String parent, long startNanos);
}
