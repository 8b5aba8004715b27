package dev.gateway.node.observability.tracing;

/**
 * One span of a request's trace (authentication, a rate-limit check, an upstream attempt...), or {@link #NONE}.
 * Started by {@link RequestTrace}; ended exactly once by whoever started it, from any thread. Setting attributes
 * on a span that is not recorded costs a call and nothing else: callers compute costly values only when
 * {@link RequestTrace#recording()}.
 */
public interface TraceSpan {
    /** A span that records nothing and has no context of its own. */
    TraceSpan NONE = new TraceSpan() {
        @Override
        public TraceSpan set(String key, String value) {
            return this;
        }

        @Override
        public TraceSpan set(String key, long value) {
            return this;
        }

        @Override
        public TraceSpan event(String name) {
            return this;
        }

        @Override
        public String traceparent() {
            return null;
        }

        @Override
        public void end(String error) {
        }
    };

    /** Sets a string attribute (a null value is left out). */
    TraceSpan set(String key, String value);

    TraceSpan set(String key, long value);

    default TraceSpan set(String key, boolean value) {
        return set(key, value ? "true" : "false");
    }

    /** Records that {@code name} happened now (a point in time within the span: a connect, the first byte). */
    TraceSpan event(String name);

    /** The W3C {@code traceparent} naming this span as the parent of what is sent with it; null for {@link #NONE}. */
    String traceparent();

    /** Ends the span as a success. */
    default void end() {
        end(null);
    }

    /** Ends the span, as an error when {@code error} is not null (its text: the error's kind or message). */
    void end(String error);
}
