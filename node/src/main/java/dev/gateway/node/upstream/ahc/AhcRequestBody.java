package dev.gateway.node.upstream.ahc;

import com.ning.http.client.providers.grizzly.FeedableBodyGenerator;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.GatewayException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;

/**
 * Streams a client's request body into AHC's {@link FeedableBodyGenerator} without blocking a
 * thread: a {@link FeedableBodyGenerator.NonBlockingFeeder} that is also the body's
 * {@link BodySink}. Normally at most one chunk waits here: {@code onData} returns false (the
 * client body pauses) unless the chunk could be written at once, and the body is resumed when AHC
 * has taken every waiting chunk ({@code canFeed}, called while the upstream connection can take
 * more). Chunks are queued, never replaced: one delivered despite a pause is fed after the
 * others. The body is subscribed when AHC starts the transfer, i.e. once a connection is there.
 *
 * <p>Lock order: AHC's feeder monitor ({@code flush} and {@code feed} are synchronized), then
 * {@link #lock}; this class never calls into AHC or the body while holding {@link #lock}.
 */
final class AhcRequestBody extends FeedableBodyGenerator.NonBlockingFeeder implements BodySink {
    private final Body body;
    private final AhcExchange exchange;
    private final Object lock = new Object();
    private boolean subscribed;
    /**
     * Chunks received and not yet fed, in order. Normally at most one (the body pauses while a
     * chunk waits), but a body may deliver once more after a pause (a client body hands its end
     * of input over even when paused), and such a chunk must never be lost: a request whose
     * declared length is not met leaves the upstream waiting for bytes that never come.
     */
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>(2);
    private boolean lastReceived;
    private boolean lastFed;
    /** The declared length (-1: chunked) and the bytes fed so far. */
    private final long length;
    private long fed;
    private boolean resumeOwed;
    private boolean failed;
    private ReadyToFeedListener listener;

    AhcRequestBody(FeedableBodyGenerator generator, Body body, AhcExchange exchange) {
        super(generator);
        this.body = body;
        this.exchange = exchange;
        this.length = body.length();
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
            chunk = pending.poll();
            if (chunk == null || lastFed) {
                return;
            }
            fed += chunk.remaining();
            // A body of known length is whole once its last byte goes out, whether or not its own
            // end signal (often an empty last chunk) has arrived yet: AHC only counts the request
            // as sent, and so only returns the connection to the pool once the response is in,
            // when it is fed a last chunk, and a late or missing end signal must not hold the
            // connection forever.
            last = (lastReceived && pending.isEmpty()) || (length >= 0 && fed >= length);
            if (last) {
                lastFed = true;
                pending.clear(); // nothing but an empty end signal can follow the declared length
            }
            // The body is resumed once everything it handed over is on its way (at the end too,
            // so that it can hand over its end signal and release the client's input).
            resume = resumeOwed && pending.isEmpty();
            if (resume) {
                resumeOwed = false;
            }
        }
        Buffer buffer = chunk.hasRemaining()
                ? Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, chunk)
                : Buffers.EMPTY_BUFFER;
        feed(buffer, last);
        if (resume) {
            body.resume();
        }
    }

    @Override
    public boolean isReady() {
        synchronized (lock) {
            return !pending.isEmpty();
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
            now = !pending.isEmpty();
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
            if (failed || lastReceived || lastFed) {
                return true; // the exchange is over, or the request is whole: swallow the rest
            }
            pending.add(chunk);
            lastReceived = last;
            ready = listener;
            listener = null;
        }
        exchange.uploadProgress();
        if (ready != null) {
            ready.ready(); // AHC feeds it at once if the connection can take it
        }
        synchronized (lock) {
            if (pending.isEmpty() || failed) {
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
            pending.clear();
            listener = null;
        }
        // The upstream must not see a truncated request as whole: the connection is closed.
        exchange.fail(error instanceof GatewayException g ? g : new GatewayException(400, "request body incomplete", error));
    }
}
