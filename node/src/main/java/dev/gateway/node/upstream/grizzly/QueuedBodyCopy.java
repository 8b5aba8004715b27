package dev.gateway.node.upstream.grizzly;

import dev.gateway.node.upstream.QueuedBody;
import java.nio.ByteBuffer;
import org.glassfish.grizzly.Buffer;

/** A Grizzly buffer's readable bytes as a heap buffer the body may keep; the Grizzly buffer is released. */
final class QueuedBodyCopy {
    private QueuedBodyCopy() {
    }

    static ByteBuffer of(Buffer data) {
        if (data == null || !data.hasRemaining()) {
            return QueuedBody.EMPTY;
        }
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        data.tryDispose();
        return ByteBuffer.wrap(bytes);
    }
}
