package dev.gateway.node.upstream.grizzly;

import dev.gateway.node.http.Headers;
import dev.gateway.node.upstream.QueuedBody;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;

/**
 * The response body of one HTTP/2 upstream stream. Back-pressure: while the client's side cannot take more, the
 * stream's read event is left suspended, so Grizzly queues its further DATA frames without acknowledging them and
 * the upstream runs out of window (the stream's alone: the connection's other streams go on). Trailers are set
 * before the last chunk is pushed.
 */
final class H2ResponseBody extends QueuedBody {
    private final H2Exchange exchange;
    private final Executor resumer;
    private volatile Headers trailers;
    private boolean pauseWanted;
    private FilterChainContext suspended;

    H2ResponseBody(long length, H2Exchange exchange, Executor resumer) {
        super(length);
        this.exchange = exchange;
        this.resumer = resumer;
    }

    @Override
    public Headers trailers() {
        return trailers;
    }

    @Override
    public boolean mayHaveTrailers() {
        return true;
    }

    void trailers(Headers t) {
        trailers = t;
    }

    /** One chunk of the stream, read in {@code ctx}: the read stays suspended while the body is paused. */
    NextAction push(FilterChainContext ctx, ByteBuffer chunk, boolean last) {
        push(chunk, last);
        synchronized (this) {
            if (pauseWanted && !last) {
                NextAction suspend = ctx.getSuspendAction();
                ctx.suspend();
                suspended = ctx;
                return suspend;
            }
        }
        return ctx.getStopAction();
    }

    @Override
    protected void pauseSource() {
        pauseWanted = true; // under this body's monitor (QueuedBody)
    }

    @Override
    protected void resumeSource() {
        pauseWanted = false; // under this body's monitor (QueuedBody)
        FilterChainContext c = suspended;
        suspended = null;
        if (c != null) {
            resumer.execute(() -> c.resume(c.getStopAction())); // never under this monitor: it reads the next chunk
        }
    }

    @Override
    protected void abortSource() {
        exchange.abandon();
    }
}
