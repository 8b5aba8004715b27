package dev.gateway.node.server;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.ChunkedTransferEncoding;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.ParsingResult;
import org.glassfish.grizzly.http.TransferEncoding;

/**
 * Grizzly's chunked transfer coding, except that a request whose {@code 100 Continue} {@link ContinueDeferringCodec}
 * held back is passed on with its head alone: Grizzly's own parser asks the codec to hold a chunked request's head
 * until a chunk-size line arrives, which such a client sends only after a 100. For every other message, and for every
 * chunk, the parsing is Grizzly's.
 */
final class HeadFirstChunked implements TransferEncoding {
    private final ChunkedTransferEncoding chunked;

    HeadFirstChunked(ChunkedTransferEncoding chunked) {
        this.chunked = chunked;
    }

    @Override
    public boolean wantDecode(HttpHeader header) {
        return chunked.wantDecode(header);
    }

    @Override
    public boolean wantEncode(HttpHeader header) {
        return chunked.wantEncode(header);
    }

    @Override
    public void prepareSerialize(FilterChainContext ctx, HttpHeader header, HttpContent content) {
        chunked.prepareSerialize(ctx, header, content);
    }

    @Override
    public ParsingResult parsePacket(FilterChainContext ctx, HttpHeader header, Buffer buffer) {
        ParsingResult result = chunked.parsePacket(ctx, header, buffer);
        if (result.getHttpContent() == null && !result.isSendHeaderUpstream()
                && header instanceof HttpRequestPacket request
                && request.getAttribute(ContinueDeferringCodec.DEFERRED) != null) {
            // Only the read that completed the head acts on this (the codec ignores it on later reads).
            Buffer remainder = result.getRemainderBuffer();
            result.recycle();
            return ParsingResult.create(null, remainder, true);
        }
        return result;
    }

    @Override
    public Buffer serializePacket(FilterChainContext ctx, HttpContent content) {
        return chunked.serializePacket(ctx, content);
    }
}
