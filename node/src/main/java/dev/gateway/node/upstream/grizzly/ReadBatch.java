package dev.gateway.node.upstream.grizzly;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The body chunks one read of a chunked response holds, handed on as one: the client side flushes every chunk it
 * gets (a server-sent event must not wait), so 2000 tiny chunks that arrived in one read would otherwise cost 2000
 * writes. A chunk is held only while the same read holds the next complete chunk
 * ({@link HeadFirstChunkedResponses#MORE_IN_READ}), which the codec parses before this read ends: nothing waits
 * for the upstream. Used on the upstream connection's thread only.
 */
final class ReadBatch {
    private List<ByteBuffer> held;
    private int heldBytes;

    /** {@code chunk} and what was held before it, as one buffer, or null when it is held for the next one. */
    ByteBuffer add(ByteBuffer chunk, boolean hold) {
        if (hold) {
            if (held == null) {
                held = new ArrayList<>(4);
            }
            held.add(chunk);
            heldBytes += chunk.remaining();
            return null;
        }
        if (held == null) {
            return chunk;
        }
        ByteBuffer all = ByteBuffer.allocate(heldBytes + chunk.remaining());
        for (ByteBuffer b : held) {
            all.put(b);
        }
        all.put(chunk).flip();
        held = null;
        heldBytes = 0;
        return all;
    }
}
