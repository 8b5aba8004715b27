package dev.gateway.node.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A message body that is streamed, never required to be held whole in memory.
 *
 * <p>Contract: {@link #subscribe} is called at most once; the body then calls
 * {@link BodySink#onData} from any thread, one call at a time, in order, the last call with
 * {@code last == true}, or {@link BodySink#onError} once. When {@code onData} returns false the
 * body delivers nothing more until {@link #resume()} is called (resume may come from any thread,
 * even before {@code onData} has returned). A body that will never be subscribed must be
 * {@link #discard() discarded} so that its source (a client or upstream connection) is released.
 */
public interface Body {

    /** The length in bytes when known in advance, else -1. */
    long length();

    void subscribe(BodySink sink);

    void resume();

    /** Releases the source without reading; safe to call more than once or after completion. */
    void discard();

    /**
     * The trailer fields that followed this body (an HTTP/2 upstream's {@code grpc-status}, ...), known once its last
     * chunk has been delivered; null when it had none. Only a body whose {@link #mayHaveTrailers()} is true has any.
     */
    default Headers trailers() {
        return null;
    }

    /** True when this body may end with trailers: whoever writes it must be ready to send them after it. */
    default boolean mayHaveTrailers() {
        return false;
    }

    /** True for a body that is known to hold no bytes. */
    default boolean isEmpty() {
        return length() == 0;
    }

    static Body empty() {
        return FixedBody.EMPTY;
    }

    static Body of(byte[] bytes) {
        return bytes.length == 0 ? FixedBody.EMPTY : new FixedBody(bytes);
    }

    static Body of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A body already in memory: delivered in one call. */
    final class FixedBody implements Body {
        static final FixedBody EMPTY = new FixedBody(new byte[0]);
        private final byte[] bytes;

        FixedBody(byte[] bytes) {
            this.bytes = bytes;
        }

        public byte[] bytes() {
            return bytes;
        }

        @Override
        public long length() {
            return bytes.length;
        }

        @Override
        public void subscribe(BodySink sink) {
            sink.onData(ByteBuffer.wrap(bytes), true);
        }

        @Override
        public void resume() {
        }

        @Override
        public void discard() {
        }
    }
}
