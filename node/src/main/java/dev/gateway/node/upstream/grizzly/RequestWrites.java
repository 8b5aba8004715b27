package dev.gateway.node.upstream.grizzly;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.WriteHandler;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.memory.Buffers;

/** Writes a request to an upstream connection: whole, or a streamed body chunk by chunk with back-pressure. */
final class RequestWrites {
    private RequestWrites() {
    }

    /** The head and a body held in memory, in one write. */
    static void whole(PooledConnection c, HttpRequestPacket request, byte[] body) {
        Buffer content = body.length == 0 ? Buffers.EMPTY_BUFFER : Buffers.wrap(c.connection.getMemoryManager(), body);
        c.connection.write(HttpContent.builder(request).content(content).last(true).build());
    }

    /**
     * One chunk of a streamed body (the head goes with the first). Returns whether the next may follow at once;
     * if not, {@code resume} runs once the connection can take more, or {@code failed} if it never can.
     */
    static boolean chunk(PooledConnection c, HttpRequestPacket request, ByteBuffer chunk, boolean last, Runnable resume,
                         Consumer<Throwable> failed) {
        Buffer content = chunk.hasRemaining() ? Buffers.wrap(c.connection.getMemoryManager(), chunk) : Buffers.EMPTY_BUFFER;
        c.connection.write(HttpContent.builder(request).content(content).last(last).build());
        if (last || c.connection.canWrite()) {
            return true;
        }
        c.connection.notifyCanWrite(new WriteHandler() {
            @Override
            public void onWritePossible() {
                resume.run();
            }

            @Override
            public void onError(Throwable t) {
                failed.accept(t);
            }
        });
        return false;
    }
}
