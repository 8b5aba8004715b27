package dev.gateway.node.server;

import java.util.function.Consumer;
import java.util.function.Function;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.util.MimeHeaders;
import org.glassfish.grizzly.http2.Http2Stream;

/**
 * The handler's side of an HTTP/2 request: its stream's reset by the client, and its header list's decoded size.
 *
 * <p>A client's RST_STREAM is seen by {@link H2FrameScanner} before Grizzly's codec: {@link #onClientReset} registers
 * what to do then (abort the answer and its upstream exchange), run on the connection's selector thread.
 *
 * <p>The decoded side of {@code node.http2.max-header-list}. The guard bounds a header block's compressed bytes; HPACK
 * lets a few of them decode to far more (one byte names a dynamic-table entry of up to 4 KiB: an "HPACK bomb").
 * Grizzly 4.0.2's decoder has no decoded limit of its own, but keeps each decoded field as a reference, so the cost
 * is counted here, before the handler copies a byte: a request whose decoded list (RFC 9113 6.5.2: name, value and
 * 32 per field) is over the limit gets RST_STREAM, is counted as {@code h2-header-list}, and reaches nothing else.
 */
final class H2Requests {
    private final int maxHeaderList;
    private final Consumer<String> rejected;
    private final Function<Connection<?>, H2FrameState> frames;

    /**
     * @param maxHeaderList bytes; 0 when HTTP/2 is off (nothing to check)
     * @param frames        the guard's frame state of a connection, null before its client preface
     */
    H2Requests(int maxHeaderList, Consumer<String> rejected, Function<Connection<?>, H2FrameState> frames) {
        this.maxHeaderList = maxHeaderList;
        this.rejected = rejected;
        this.frames = frames;
    }

    /**
     * Runs {@code action} if the client resets {@code request}'s stream before {@link #forget} (nothing for HTTP/1.x).
     *
     * @return the stream id registered, or 0 when there is nothing to forget later
     */
    int onClientReset(Connection<?> connection, HttpRequestPacket request, Runnable action) {
        Http2Stream stream = maxHeaderList <= 0 ? null : H2Answers.streamOf(request);
        H2FrameState state = stream == null ? null : frames.apply(connection);
        if (state == null) {
            return 0;
        }
        state.onReset().put(stream.getId(), action);
        return stream.getId();
    }

    /** The answer of {@code streamId} is done: a later reset of it has nothing to abort. */
    void forget(Connection<?> connection, int streamId) {
        H2FrameState state = streamId == 0 ? null : frames.apply(connection);
        if (state != null) {
            state.onReset().remove(streamId);
        }
    }

    /** True (after resetting its stream) when {@code request} is an HTTP/2 request whose header list is too large. */
    boolean refused(Connection<?> connection, HttpRequestPacket request) {
        if (maxHeaderList <= 0) {
            return false;
        }
        Http2Stream stream = H2Answers.streamOf(request);
        if (stream == null) {
            return false;
        }
        long size = request.getRequestURIRef().getRequestURIBC().getLength() + 4 * 32L;
        MimeHeaders headers = request.getHeaders();
        for (int i = 0, n = headers.size(); i < n && size <= maxHeaderList; i++) {
            size += headers.getName(i).getLength() + headers.getValue(i).getLength() + 32L;
        }
        if (size <= maxHeaderList) {
            return false;
        }
        rejected.accept("h2-header-list");
        H2Answers.reset(connection, stream);
        return true;
    }
}
