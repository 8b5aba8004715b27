package dev.gateway.node.upstream.grizzly;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The streamed body of an upstream response. Chunks arriving before the sink subscribes, or
 * while it asked to pause, wait here, and the upstream connection stops being read until the
 * sink resumes: a slow client holds back the upstream instead of filling the gateway's memory.
 */
final class UpstreamResponseBody implements Body {
    static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final UpstreamExchange exchange;
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

    UpstreamResponseBody(UpstreamExchange exchange, long length) {
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

    void push(ByteBuffer chunk, boolean last) {
        boolean pauseNow = false;
        synchronized (this) {
            if (finished) {
                return;
            }
            pending.add(chunk);
            lastReceived |= last;
            drain();
            if (!lastReceived && !finished && (sink == null || paused) && !readingPaused) {
                readingPaused = true;
                pauseNow = true;
            }
        }
        if (pauseNow) {
            exchange.pauseReading();
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
        boolean resumeNow = false;
        synchronized (this) {
            if (readingPaused && !paused && sink != null && !lastReceived && !finished) {
                readingPaused = false;
                resumeNow = true;
            }
        }
        if (resumeNow) {
            exchange.resumeReading();
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
