package dev.gateway.node.upstream.ahc;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The streamed body of an upstream response received through AHC. AHC has no way to pause an
 * {@code AsyncHandler} (its 1.x {@code STATE} is CONTINUE, ABORT or UPGRADE, and ABORT drops the
 * rest of the body), so back-pressure goes below it: when the sink has not subscribed yet or
 * asked to pause, the exchange stops reading the upstream connection (READ interest off on the
 * Grizzly connection, see {@link AhcExchange#pauseReading}); the parts AHC had already read
 * (at most what one socket read brought in) wait here, and reading restarts when the sink
 * resumes. A slow client therefore holds back the upstream through TCP flow control instead of
 * filling the gateway's heap.
 */
final class AhcResponseBody implements Body {
    static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final AhcExchange exchange;
    private final long length;
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>(2);
    private BodySink sink;
    private boolean lastReceived;
    private Throwable error;
    private boolean paused;
    private boolean delivering;
    private boolean finished;
    private boolean readingPaused;
    private boolean resumedWhileDelivering;

    AhcResponseBody(AhcExchange exchange, long length) {
        this.exchange = exchange;
        this.length = length;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public void subscribe(BodySink newSink) {
        synchronized (this) {
            if (sink != null) {
                throw new IllegalStateException("body already subscribed");
            }
            sink = newSink;
            drain();
        }
        maybeResumeReading();
    }

    @Override
    public void resume() {
        synchronized (this) {
            if (delivering) {
                resumedWhileDelivering = true; // the sink resumed from inside its own onData
                return;
            }
            paused = false;
            drain();
        }
        maybeResumeReading();
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
        exchange.abort();
    }

    /**
     * One part of the body, on the thread reading the upstream connection. Stops reading the
     * connection when the sink is not keeping up; the READ toggles happen under this body's
     * monitor so that a pause and a concurrent resume cannot apply in the wrong order.
     */
    void push(ByteBuffer chunk, boolean last) {
        synchronized (this) {
            if (finished) {
                return;
            }
            pending.add(chunk);
            lastReceived |= last;
            drain();
            if (!lastReceived && !finished && (sink == null || paused) && !readingPaused) {
                readingPaused = true;
                exchange.pauseReading();
            }
        }
    }

    /**
     * The whole body has been read (AHC's {@code onCompleted}): ends the body if no part was
     * marked last, and restarts reading if it had been paused, since the connection goes back
     * to the pool.
     */
    void complete() {
        synchronized (this) {
            if (!finished && !lastReceived) {
                pending.add(EMPTY);
                lastReceived = true;
                drain();
            }
            if (readingPaused) {
                readingPaused = false;
                exchange.resumeReading();
            }
        }
    }

    void fail(Throwable cause) {
        synchronized (this) {
            if (finished || error != null) {
                return;
            }
            error = cause;
            drain();
        }
    }

    private void maybeResumeReading() {
        synchronized (this) {
            if (readingPaused && !paused && sink != null && !lastReceived && !finished) {
                readingPaused = false;
                exchange.resumeReading();
            }
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
