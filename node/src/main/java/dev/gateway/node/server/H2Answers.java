package dev.gateway.node.server;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http2.Http2Stream;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Frames the node writes itself on an HTTP/2 connection, outside Grizzly's codec: the guard's GOAWAY, and the
 * RST_STREAM that ends one stream whose answer broke (its other streams go on). Written as raw bytes through the
 * connection: once Grizzly's session exists they queue behind the frames it has already queued, in order.
 */
final class H2Answers {
    static final int NO_ERROR = 0x0;
    static final int INTERNAL_ERROR = 0x2;
    static final int ENHANCE_YOUR_CALM = 0xb;

    private H2Answers() {
    }

    /** The request's HTTP/2 stream, or null for an HTTP/1.x request. */
    static Http2Stream streamOf(HttpRequestPacket request) {
        return Http2Stream.getStreamFor(request);
    }

    /** GOAWAY ENHANCE_YOUR_CALM after the streams up to {@code lastStreamId}; with {@code close}, a close once written. */
    static void goAway(Connection<?> c, int lastStreamId, boolean close) {
        write(c, frame(0x7, 0, lastStreamId, ENHANCE_YOUR_CALM, true), close);
    }

    /** GOAWAY NO_ERROR after the streams up to {@code lastStreamId} (all served), then a close once written. */
    static void goAwayIdle(Connection<?> c, int lastStreamId) {
        write(c, frame(0x7, 0, lastStreamId, NO_ERROR, true), true);
    }

    /**
     * Ends {@code stream} alone: what it still had to send is dropped, and the client gets RST_STREAM INTERNAL_ERROR,
     * unless the stream is closed already (the client reset it: no RST_STREAM answers a RST_STREAM).
     */
    static void reset(Connection<?> c, Http2Stream stream) {
        boolean open = stream.isOpen();
        stream.terminateSilently();
        if (open) {
            write(c, frame(0x3, stream.getId(), 0, INTERNAL_ERROR, false), false);
        }
    }

    private static byte[] frame(int type, int stream, int lastStreamId, int errorCode, boolean goAway) {
        byte[] f = new byte[9 + (goAway ? 8 : 4)];
        f[2] = (byte) (f.length - 9);
        f[3] = (byte) type;
        putInt(f, 5, stream);
        int at = 9;
        if (goAway) {
            putInt(f, at, lastStreamId & 0x7fffffff);
            at += 4;
        }
        putInt(f, at, errorCode);
        return f;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static void write(Connection<?> connection, byte[] frame, boolean close) {
        Buffer buffer = Buffers.wrap(connection.getMemoryManager(), frame);
        @SuppressWarnings({"unchecked", "rawtypes"})
        Connection<Object> raw = (Connection) connection;
        raw.write(buffer, new EmptyCompletionHandler<WriteResult<Buffer, Object>>() {
            @Override
            public void completed(WriteResult<Buffer, Object> result) {
                if (close) {
                    connection.closeSilently();
                }
            }

            @Override
            public void failed(Throwable throwable) {
                connection.closeSilently();
            }
        });
    }
}
