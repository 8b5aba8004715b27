package dev.gateway.node.upstream.ahc;

import com.ning.http.client.providers.grizzly.FeedableBodyGenerator;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.GatewayException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;

/**
 * Streams a client's request body into AHC's {@link FeedableBodyGenerator} without blocking a
 * thread: a {@link FeedableBodyGenerator.NonBlockingFeeder} that is also the body's
 * {@link BodySink}. At most one chunk waits here: {@code onData} returns false (the client body
 * pauses) unless the chunk could be written at once, and the body is resumed when AHC takes the
 * chunk ({@code canFeed}, called while the upstream connection can take more). The body is
 * subscribed when AHC starts the transfer, i.e. once a connection is there.
 *
 * <p>Lock order: AHC's feeder monitor ({@code flush} and {@code feed} are synchronized), then
 * {@link #lock}; this class never calls into AHC or the body while holding {@link #lock}.
 */
final class AhcRequestBody extends FeedableBodyGenerator.NonBlockingFeeder implements BodySink {
    private final Body body;
    private final AhcExchange exchange;
    private final Object lock = new Object();
    private boolean subscribed;
    private ByteBuffer pending;
    private boolean pendingLast;
    private boolean lastFed;
    private boolean resumeOwed;
    private boolean failed;
    private ReadyToFeedListener listener;

    AhcRequestBody(FeedableBodyGenerator generator, Body body, AhcExchange exchange) {
        super(generator);
        this.body = body;
        this.exchange = exchange;
    }

    // ---- FeedableBodyGenerator side (AHC's threads, or the body's through the listener) -----------

    @Override
    public synchronized void flush() throws IOException {
        boolean subscribeNow;
        synchronized (lock) {
            subscribeNow = !subscribed;
            subscribed = true;
        }
        if (subscribeNow) {
            body.subscribe(this);
        }
        super.flush();
    }

    @Override
    public void canFeed() throws IOException {
        ByteBuffer chunk;
        boolean last;
        boolean resume;
        synchronized (lock) {
            chunk = pending;
            last = pendingLast;
            pending = null;
            resume = resumeOwed;
            resumeOwed = false;
            if (chunk == null) {
                return;
            }
            if (last) {
                lastFed = true;
            }
        }
        Buffer buffer = chunk.hasRemaining()
                ? Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, chunk)
                : Buffers.EMPTY_BUFFER;
        feed(buffer, last);
        if (resume && !last) {
            body.resume();
        }
    }

    @Override
    public boolean isReady() {
        synchronized (lock) {
            return pending != null;
        }
    }

    @Override
    public boolean isDone() {
        synchronized (lock) {
            return lastFed || failed;
        }
    }

    @Override
    public void notifyReadyToFeed(ReadyToFeedListener readyListener) {
        boolean now;
        synchronized (lock) {
            now = pending != null;
            if (!now) {
                listener = readyListener;
            }
        }
        if (now) {
            readyListener.ready(); // a chunk arrived between isReady() and this call
        }
    }

    // ---- BodySink side (the client connection's thread) --------------------------------------------

    @Override
    public boolean onData(ByteBuffer chunk, boolean last) {
        ReadyToFeedListener ready;
        synchronized (lock) {
            if (failed) {
                return true; // the exchange is over: swallow the rest
            }
            pending = chunk;
            pendingLast = last;
            ready = listener;
            listener = null;
        }
        exchange.uploadProgress();
        if (ready != null) {
            ready.ready(); // AHC feeds it at once if the connection can take it
        }
        synchronized (lock) {
            if (pending == null || failed) {
                return true;
            }
            resumeOwed = true;
            return false;
        }
    }

    @Override
    public void onError(Throwable error) {
        synchronized (lock) {
            failed = true;
            pending = null;
            listener = null;
        }
        // The upstream must not see a truncated request as whole: the connection is closed.
        exchange.fail(error instanceof GatewayException g ? g : new GatewayException(400, "request body incomplete", error));
    }
}
