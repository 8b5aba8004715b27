package dev.gateway.node.upstream.ahc;

import dev.gateway.node.upstream.QueuedBody;

/**
 * The body of a response received through AHC. AHC has no way to pause an {@code AsyncHandler}
 * (its 1.x {@code STATE} is CONTINUE, ABORT or UPGRADE, and ABORT drops the rest of the body),
 * so back-pressure goes below it: the exchange stops reading the upstream connection (READ
 * interest off on the Grizzly connection, see {@link AhcExchange#pauseReading}); the parts AHC
 * had already read (at most what one socket read brought in) wait in the queue.
 */
final class AhcResponseBody extends QueuedBody {
    private final AhcExchange exchange;

    AhcResponseBody(AhcExchange exchange, long length) {
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
