package dev.gateway.node.upstream.grizzly;

import dev.gateway.node.upstream.QueuedBody;

/** The body of a response read by the lean client: pauses by turning READ interest off on the connection. */
final class UpstreamResponseBody extends QueuedBody {
    private final UpstreamExchange exchange;

    UpstreamResponseBody(UpstreamExchange exchange, long length) {
        super(length);
        this.exchange = exchange;
    }

    @Override
    protected void pauseSource() {
        exchange.pauseReading();
    }

    @Override
    protected void resumeSource() {
        exchange.resumeReading();
    }

    @Override
    protected void abortSource() {
        exchange.abort();
    }
}
