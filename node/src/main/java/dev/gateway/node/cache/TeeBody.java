package dev.gateway.node.cache;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A response body passed on unchanged while a copy of it is kept, up to {@code limit} bytes; when the body ends
 * whole within the limit, {@code onComplete} gets the copy. A body that fails, is discarded or is larger gives
 * nothing. The copy costs one array copy per chunk, on routes with a cache only.
 */
final class TeeBody implements Body {
    private final Body body;
    private final int limit;
    private final Consumer<byte[]> onComplete;

    TeeBody(Body body, int limit, Consumer<byte[]> onComplete) {
        this.body = body;
        this.limit = limit;
        this.onComplete = onComplete;
    }

    @Override
    public long length() {
        return body.length();
    }

    @Override
    public void subscribe(BodySink sink) {
        body.subscribe(new BodySink() {
            private ByteArrayOutputStream copy = new ByteArrayOutputStream(
                    (int) Math.min(limit, Math.max(256, body.length())));

            @Override
            public boolean onData(ByteBuffer chunk, boolean last) {
                if (copy != null) {
                    if (copy.size() + chunk.remaining() > limit) {
                        copy = null;
                    } else {
                        ByteBuffer view = chunk.duplicate();
                        byte[] bytes = new byte[view.remaining()];
                        view.get(bytes);
                        copy.writeBytes(bytes);
                    }
                }
                if (last && copy != null) {
                    onComplete.accept(copy.toByteArray());
                    copy = null;
                }
                return sink.onData(chunk, last);
            }

            @Override
            public void onError(Throwable error) {
                copy = null;
                sink.onError(error);
            }
        });
    }

    @Override
    public void resume() {
        body.resume();
    }

    @Override
    public void discard() {
        body.discard();
    }
}
