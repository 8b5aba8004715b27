package dev.gateway.node.upstream.grizzly;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.memory.Buffers;

/**
 * The one frame the HTTP/2 upstream client writes itself: RST_STREAM for a stream it abandons (Grizzly's
 * {@code Http2Stream.terminateSilently} forgets the stream without telling the peer). Written as raw bytes through the
 * connection's chain: Grizzly's HTTP/2 filter queues them behind the frames it has queued already.
 */
final class H2Frames {
    private H2Frames() {
    }

    static void rstStream(Connection<?> connection, int streamId, int errorCode) {
        byte[] f = new byte[13];
        f[2] = 4;
        f[3] = 0x3;
        putInt(f, 5, streamId & 0x7fffffff);
        putInt(f, 9, errorCode);
        Buffer buffer = Buffers.wrap(connection.getMemoryManager(), f);
        @SuppressWarnings({"unchecked", "rawtypes"})
        Connection<Object> raw = (Connection) connection;
        raw.write(buffer);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
