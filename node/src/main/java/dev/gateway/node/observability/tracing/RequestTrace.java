package dev.gateway.node.observability.tracing;

/**
 * The trace of one request as this node records it: a server span (started by {@link Tracer#start}, ended by
 * {@link #end} when the response is complete) and the spans of what happened inside it. {@link #NONE} when the
 * node exports no spans: every method is then a constant answer, so a route without export pays nothing.
 *
 * <p>Thread-safe: the pipeline's stages run on whichever thread completes the previous one.
 */
public interface RequestTrace {
    RequestTrace NONE = new RequestTrace() {
        @Override
        public boolean recording() {
            return false;
        }

        @Override
        public String traceId() {
            return null;
        }

        @Override
        public String spanId() {
            return null;
        }

        @Override
        public String traceparent() {
            return null;
        }

        @Override
        public TraceSpan child(String name) {
            return TraceSpan.NONE;
        }

        @Override
        public TraceSpan client(String name) {
            return TraceSpan.NONE;
        }

        @Override
        public void end(int status) {
        }
    };

    /** Whether this request's spans are sampled, so that attributes are worth computing. */
    boolean recording();

    /** 32 lowercase hex digits; null for {@link #NONE}. */
    String traceId();

    /** The server span's id, 16 lowercase hex digits; null for {@link #NONE}. */
    String spanId();

    /** The {@code traceparent} naming the server span as parent; null for {@link #NONE}. */
    String traceparent();

    /** Starts an internal span under the server span. */
    TraceSpan child(String name);

    /** Starts a client span under the server span (an upstream attempt): its {@link TraceSpan#traceparent()} goes out. */
    TraceSpan client(String name);

    /** Ends the server span with the status the client got; later calls do nothing. */
    void end(int status);
}
