package dev.gateway.node.upstream;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The streamed body of an upstream response, whatever client reads it. Chunks arriving before
 * the sink subscribes, or while it asked to pause, wait here, and the source (the upstream
 * connection) is told to stop reading until the sink resumes: a slow client holds back the
 * upstream through TCP flow control instead of filling the gateway's memory.
 *
 * <p>The pause and resume calls to the source happen under this body's monitor, so that a pause
 * and a concurrent resume cannot reach the connection in the wrong order; they must not block.
 */
public abstract class QueuedBody implements Body {
    public static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final long length;
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>(2);
    private BodySink sink;
    private boolean lastReceived;
    private Throwable error;
    private boolean paused;
    private boolean delivering;
    private boolean finished;
    private boolean sourcePaused;
    private boolean resumedWhileDelivering;

    protected QueuedBody(long length) {
        this.length = length;
    }

    /** Stop reading the source: nobody takes its bytes for now. */
    protected abstract void pauseSource();

    protected abstract void resumeSource();

    /** The body is not wanted: release the source (close its connection unless the body is complete). */
    protected abstract void abortSource();

    @Override
    public long length() {
        return length;
    }

    @Override
    public synchronized void subscribe(BodySink newSink) {
        if (sink != null) {
            throw new IllegalStateException("body already subscribed");
        }
        sink = newSink;
        drain();
        maybeResumeSource();
    }

    @Override
    public synchronized void resume() {
        if (delivering) {
            resumedWhileDelivering = true; // the sink resumed from inside its own onData
            return;
        }
        paused = false;
        drain();
        maybeResumeSource();
    }

    @Override
    public void discard() {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            pending.clear();
        }
        abortSource();
    }

    /** One chunk from the source, in order; {@code last} ends the body. */
    public synchronized void push(ByteBuffer chunk, boolean last) {
        if (finished) {
            return;
        }
        pending.add(chunk);
        lastReceived |= last;
        drain();
        if (!lastReceived && !finished && (sink == null || paused) && !sourcePaused) {
            sourcePaused = true;
            pauseSource();
        }
    }

    /**
     * The source has delivered everything, whether or not a chunk was marked last; reading
     * restarts if it had been paused, since the connection goes back to the pool.
     */
    public synchronized void complete() {
        if (!finished && !lastReceived) {
            pending.add(EMPTY);
            lastReceived = true;
            drain();
        }
        if (sourcePaused) {
            sourcePaused = false;
            resumeSource();
        }
    }

    /** The source broke before the end; the sink hears of it after what is already queued. */
    public synchronized void fail(Throwable cause) {
        if (finished || error != null) {
            return;
        }
        error = cause;
        drain();
    }

    /**
     * The source was cut off (a timeout expired): what is still queued is dropped and the sink hears of the
     * error now, even while it has paused the body, so that the client's side can be closed at once.
     */
    public synchronized void cut(Throwable cause) {
        if (finished || error != null) {
            return;
        }
        error = cause;
        pending.clear();
        paused = false;
        drain();
    }

    private void maybeResumeSource() {
        if (sourcePaused && !paused && sink != null && !lastReceived && !finished) {
            sourcePaused = false;
            resumeSource();
        }
    }

    /** Delivers what is pending while the sink keeps up; never re-entered by a sink's callback. */
    private void drain() {
        if (delivering || sink == null) {
            return;
        }
        delivering = true;
        try {
            while (!paused && !finished) {
                ByteBuffer chunk = pending.poll();
                if (chunk == null) {
                    if (error != null) {
                        finished = true;
                        sink.onError(error);
                    }
                    return;
                }
                boolean lastChunk = lastReceived && pending.isEmpty();
                if (!lastChunk && !chunk.hasRemaining()) {
                    continue;
                }
                if (lastChunk) {
                    finished = true;
                }
                resumedWhileDelivering = false;
                if (!sink.onData(chunk, lastChunk) && !resumedWhileDelivering) {
                    paused = true;
                }
            }
        } finally {
            delivering = false;
        }
    }
}
